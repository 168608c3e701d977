import ArgumentParser
import ExchangeSimulator
import Foundation

struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run the exchange simulator: Bybit V5 market REST on a loopback port, from a seeded synthetic market.")

    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one and prints it).") var port: Int = 9800
    @Option(help: "Seed of the synthetic market: the same seed gives the same prices.") var seed: UInt64 = 42

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
    }

    func run() async throws {
        let simulator = BybitSimulator(configuration: .init(seed: seed))
        try await simulator.run(host: host, port: port) { [host, seed] bound in
            // Unbuffered, so a script waiting for this line sees it at once.
            FileHandle.standardOutput.write(Data("simulator listening on http://\(host):\(bound) (Bybit V5 market REST), seed \(seed)\n".utf8))
        }
    }
}
