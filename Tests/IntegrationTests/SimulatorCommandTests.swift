import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("keel sim")
struct SimulatorCommandTests {
    @Test("serves Bybit's server-time endpoint on the port it was given, and stops on SIGTERM")
    func servesAndStops() async throws {
        let port = try KeelProcess.freePort()
        let simulator = try KeelProcess.launch("keel", ["sim", "--port", String(port), "--seed", "7"])
        defer { if simulator.isRunning { kill(simulator.processIdentifier, SIGKILL) } }

        try await BusTesting.waitUntil("the simulator to answer") {
            await KeelProcess.httpStatus(port: port, path: "/v5/market/time") == 200
        }
        #expect(await KeelProcess.httpStatus(port: port, path: "/v5/market/instruments-info?category=linear") == 200)
        kill(simulator.processIdentifier, SIGTERM)
        #expect(await KeelProcess.exitStatus(of: simulator) == 0)
    }

    @Test("refuses a port out of range")
    func badPort() async throws {
        let output = try await KeelProcess.run("keel", ["sim", "--port", "70000"])
        #expect(output.status != 0)
        #expect(output.standardError.contains("--port"))
    }

    /// A plain-layout hourly CSV of `count` bars, newest first, prices on BTCUSDT's 0.10 tick.
    static func hourlyCSV(count: Int) -> String {
        var lines = ["timestamp,open,high,low,close,volume"]
        for index in (0..<count).reversed() {
            let open = 30_000 + index * 10
            lines.append("\(1_600_000_000_000 + Int64(index) * 3_600_000),\(open).5,\(open + 25).1,\(open - 20).3,\(open + 10).5,\(index + 1).25")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func temporaryFile(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("keel-replay-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test("--replay serves the file's bars as kline history over HTTP")
    func replaysAFile() async throws {
        let file = try Self.temporaryFile(Self.hourlyCSV(count: 200))
        defer { try? FileManager.default.removeItem(at: file) }
        let port = try KeelProcess.freePort()
        let simulator = try KeelProcess.launch(
            "keel", ["sim", "--port", String(port), "--replay", file.path, "--replay-symbol", "BTCUSDT", "--speed", "10"])
        defer { if simulator.isRunning { kill(simulator.processIdentifier, SIGKILL) } }
        try await BusTesting.waitUntil("the simulator to answer") {
            await KeelProcess.httpStatus(port: port, path: "/v5/market/time") == 200
        }
        let body = try await Self.get(port: port, path: "/v5/market/kline?category=linear&symbol=BTCUSDT&interval=60&start=0&limit=1000")
        let result = try #require((body["result"] as? [String: Any])?["list"] as? [[String]])
        // Newest first: the last row is the oldest hour, the file's first bar.
        let oldest = try #require(result.last)
        #expect(Array(oldest[1...5]) == ["30000.50", "30025.10", "29980.30", "30010.50", "1.250"])
        let next = try #require(result.dropLast().last)
        #expect(Array(next[1...4]) == ["30010.50", "30035.10", "29990.30", "30020.50"])
        kill(simulator.processIdentifier, SIGTERM)
        #expect(await KeelProcess.exitStatus(of: simulator) == 0)
    }

    @Test("--replay of a malformed file exits non-zero naming the line")
    func refusesABadFile() async throws {
        let file = try Self.temporaryFile("timestamp,open,high,low,close,volume\n1600000000000,1,2,0.5,1.5,3\n1600003600000,1,x,0.5,1.5,3\n")
        defer { try? FileManager.default.removeItem(at: file) }
        let output = try await KeelProcess.run("keel", ["sim", "--port", "0", "--replay", file.path])
        #expect(output.status != 0)
        #expect(output.standardError.contains("line 3"))
        #expect(output.standardError.contains("1600003600000,1,x,0.5,1.5,3"))
    }

    /// GET http://127.0.0.1:port/path as a JSON object.
    static func get(port: Int, path: String) async throws -> [String: Any] {
        let url = try #require(URL(string: "http://127.0.0.1:\(port)\(path)"))
        let (data, _) = try await URLSession.shared.data(from: url)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}
