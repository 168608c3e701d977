import Foundation
import Testing

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
}
