import ArgumentParser
import Backtest
import Config
import Core
import Foundation
import OrderManagement

extension BenchCommand {
    /// `keel bench backtest`: the full strategy (MACD+RSI, risk, trade management, venue) over a
    /// synthetic market, in bars per second.
    struct BacktestBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "backtest",
            abstract: "Bars per second of a full-strategy backtest over synthetic symbols, and the memory it used.",
            discussion: """
                Default: 300 symbols × 105,120 five-minute bars (a year, 31.5 million bars), the configured \
                macd-rsi strategy, risk and execution settings. Generating the bars is timed apart from the \
                backtest. Build with -c release for real figures.
                """)

        @OptionGroup var config: ConfigOptions
        @Option(help: "Synthetic symbols.") var symbols: Int = 300
        @Option(help: "Bars per symbol.") var bars: Int = 105_120
        @Option(help: "Bar timeframe.") var timeframe: String = "5m"
        @Option(help: "Cores to use (default: all).") var parallelism: Int = ProcessInfo.processInfo.activeProcessorCount
        @Option(help: "Seed of the synthetic market.") var seed: UInt64 = 42

        func validate() throws {
            guard symbols > 0, bars > 0, parallelism > 0 else { throw ValidationError("--symbols, --bars and --parallelism must be positive") }
        }

        func run() throws {
            let config = try config.load()
            let tf = try Timeframe.parse(timeframe)
            guard let instance = config.signals.strategies.first else { throw ValidationError("no strategy configured") }
            let setup = BacktestSetup(
                sources: [.synthetic(symbols: symbols, bars: bars, seed: seed, correlation: 0.5, start: Timestamp(milliseconds: 1_735_689_600_000))],
                timeframe: tf, repairs: [], from: nil, to: nil,
                strategy: .macdRSI(instance, risk: config.risk, policy: ExecutionPolicy(config.execution)),
                venue: VenueSettings(fundingRate: try FixedPoint(parsing: "0.0001")), startingEquity: Money(FixedPoint(integer: 100_000)),
                parallelism: parallelism)
            let clock = ContinuousClock()
            let generateStart = clock.now
            let market = try setup.load().market
            let generated = clock.now - generateStart
            let runStart = clock.now
            let result = try setup.run(on: market)
            let elapsed = clock.now - runStart
            let seconds = Self.seconds(elapsed)
            print("\(symbols) symbols × \(bars) \(tf) bars = \(market.barCount) bars, \(parallelism) core(s)")
            print(String(format: "generate   %8.2f s", Self.seconds(generated)))
            print(String(format: "backtest   %8.2f s   %.2f million bars/s   %d trades, %d fills", seconds,
                         Double(result.bars) / seconds / 1e6, result.trades.count, result.fills.count))
            print("final balance \(result.finalBalance)")
            if let decisions = result.decisions {
                print(BacktestSummary.decisions(decisions))
            }
            if let peak = Self.peakResidentMegabytes() { print(String(format: "peak memory %7.0f MB (resident, whole process)", peak)) }
        }

        static func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }

        /// The process's peak resident set (Linux `VmHWM`), nil elsewhere.
        static func peakResidentMegabytes() -> Double? {
            guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
                  let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
                  let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return nil }
            return kilobytes / 1024
        }
    }
}
