import Core
import Exchange
import ExchangeSimulator
import Foundation
import Testing

/// Bybit's official Python SDK (pybit, installed into the project venv by deploy/local/setup)
/// drives the simulator through Tests/Conformance/pybit_scenario.py; Keel's client then reads
/// back what pybit did.
@Suite("pybit against the simulator")
struct PybitConformanceTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// $KEEL_TEST_PYTHON (set by deploy/local/test), else the project venv's interpreter.
    static var python: String {
        if let path = ProcessInfo.processInfo.environment["KEEL_TEST_PYTHON"], !path.isEmpty { return path }
        return repositoryRoot.appendingPathComponent(".keel/venv/bin/python").path
    }

    @Test func pybitScenarioPasses() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.python),
            "no Python with pybit at \(Self.python): run deploy/local/setup")
        try await withRunningSimulator { _, port in try await runScenario(port: port) }
    }

    func runScenario(port: Int) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = [
            Self.repositoryRoot.appendingPathComponent("Tests/Conformance/pybit_scenario.py").path,
            String(port), "keel-sim-key", "keel-sim-secret",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let deadline = ContinuousClock.now + .seconds(90)
        while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        if process.isRunning { process.terminate() }
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        print("pybit scenario: \(text.split(separator: "\n").last ?? "")")
        #expect(process.terminationStatus == 0, "pybit scenario failed:\n\(text.suffix(3000))")
        #expect(text.contains(#""ok": true"#))

        // What pybit did, as Keel's client sees it.
        let client = BybitRESTClient(configuration: .init(
            baseURL: "http://127.0.0.1:\(port)", credentials: BybitTradingScenarioTests.credentials))
        let btc = try Symbol("BTCUSDT")
        #expect(try await client.order(symbol: btc, orderLinkID: "pybit-limit-1")?.status == .cancelled)
        #expect(try await client.order(symbol: btc, orderLinkID: "pybit-market-1")?.status == .filled)
        let position = try #require(try await client.position(symbol: btc))
        let size = try Quantity(parsing: "0.002")
        #expect(position.side == .buy && position.size == size)
    }
}
