import Foundation
import LocalStack
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The paper stack for end-to-end tests: `keel sim` replaying a scripted market, and the five
/// services on a `LocalStack` of their own (broker, scratch database, Redis database 9).
final class TradingStack: @unchecked Sendable {
    let stack: LocalStack
    let simulator: Process
    let simulatorPort: Int

    /// How the simulator plays the market: a replayed file, where play begins and how fast.
    struct Market {
        var csv: String
        var start: String
        var speed: Int
    }

    private init(stack: LocalStack, simulator: Process, simulatorPort: Int) {
        self.stack = stack
        self.simulator = simulator
        self.simulatorPort = simulatorPort
    }

    /// `strategy`: the `macd_rsi` strategy's settings beyond its timeframe, as YAML flow-map entries.
    static func start(market: Market, symbols: [String], strategy: String = "") async throws -> TradingStack {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(TestEnvironment.uniqueName("keel-e2e"))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let csv = directory.appendingPathComponent("market.csv")
        try market.csv.write(to: csv, atomically: true, encoding: .utf8)
        let port = try KeelProcess.freePort()
        _ = FileManager.default.createFile(atPath: directory.appendingPathComponent("simulator.log").path, contents: nil)
        let simulator = try KeelProcess.launch(
            "keel",
            [
                "sim", "--port", "\(port)", "--replay", csv.path, "--start", market.start, "--history-minutes", "0",
                "--speed", "\(market.speed)",
            ],
            standardError: try FileHandle(forWritingTo: directory.appendingPathComponent("simulator.log")))
        do {
            try await BusTesting.waitUntil("the simulator") {
                await KeelProcess.httpStatus(port: port, path: "/v5/market/time") == 200
            }
            var redis = try TestEnvironment.redis()
            redis.database = 9
            let stack = try await LocalStack.start(LocalStack.Setup(
                binDirectory: KeelProcess.binDirectory, brokerBinary: try TestEnvironment.value("KEEL_TEST_TANSU"),
                postgres: try TestEnvironment.postgres(), redis: redis, simulatorPort: port,
                extraConfig: """
                    markets: {symbols: [\(symbols.joined(separator: ", "))], timeframes: [1m], history_days: 1}
                    signals: {warmup_bars: 300, strategies: {macd_rsi: {timeframe: 1m\(strategy.isEmpty ? "" : ", " + strategy)}}}
                    # Only the start-up reconciliation polls: a kill must find the fill unrecorded.
                    execution: {poll_interval_ms: 600000}
                    """,
                directory: directory))
            return TradingStack(stack: stack, simulator: simulator, simulatorPort: port)
        } catch {
            kill(simulator.processIdentifier, SIGKILL)
            throw error
        }
    }

    /// Starts a stack, runs `body` on it and stops it; when `body` fails, the services' logs
    /// are printed first.
    static func run(
        market: Market, symbols: [String], strategy: String = "", _ body: (TradingStack) async throws -> Void
    ) async throws {
        let stack = try await start(market: market, symbols: symbols, strategy: strategy)
        do {
            try await body(stack)
        } catch {
            for name in LocalStack.services { print("--- keel-\(name) log ---\n\(stack.stack.log(of: name))") }
            await stack.stop()
            throw error
        }
        await stack.stop()
    }

    func stop() async {
        await stack.stop()
        kill(simulator.processIdentifier, SIGTERM)
        _ = await KeelProcess.exitStatus(of: simulator)
    }

    /// GET on the notifier's API: the JSON array it answers.
    func api(_ path: String) async throws -> [[String: Any]] {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(stack.httpPorts["notifier"]!)\(path)")!)
        request.setValue("Bearer \(stack.readToken)", forHTTPHeaderField: "Authorization")
        let (data, _) = try await URLSession.shared.data(for: request)
        return try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
    }

    /// POST /sim/faults on the simulator with `fields` as JSON.
    func simulatorFaults(_ fields: [String: Any]) async throws {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(simulatorPort)/sim/faults")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: fields)
        _ = try await URLSession.shared.data(for: request)
    }
}
