import ArgumentParser
import Dispatch
import Foundation
import Risk

extension BenchCommand {
    struct RiskBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "risk",
            abstract: "Risk decisions per second and decision latency (p50/p99) for a 300-symbol portfolio, pure engine.",
            discussion: """
                Times the risk engine alone (no PostgreSQL, no Kafka): every rule on each intent, \
                against --symbols instruments with marks, volatility and candle returns, positions open \
                on --positions of them (the correlation rule compares each entry with all of them). \
                Build with -c release for real figures.
                """)

        @Option(help: "Instruments in the portfolio.") var symbols: Int = 300
        @Option(help: "Open positions (each compared with every entry).") var positions: Int = 150
        @Option(help: "Decisions timed.") var decisions: Int = 50_000
        @Option(help: "Returns kept per symbol (the correlation window).") var returns: Int = 50
        @Flag(help: "One JSON object instead of text.") var json = false

        func validate() throws {
            guard symbols >= 2, positions >= 0, positions < symbols, decisions > 0, returns >= 3 else {
                throw ValidationError("need --symbols ≥ 2, 0 ≤ --positions < --symbols, --decisions > 0, --returns ≥ 3")
            }
        }

        func run() throws {
            let bench = RiskBenchmark(symbols: symbols, openPositions: positions, returns: returns)
            // A short warm-up, then the measured run.
            _ = try bench.run(decisions: min(decisions, 2000)) { DispatchTime.now().uptimeNanoseconds }
            let result = try bench.run(decisions: decisions) { DispatchTime.now().uptimeNanoseconds }
            if json {
                print(String(format: "{\"symbols\":%d,\"positions\":%d,\"decisions\":%d,\"approved\":%d,\"per_second\":%.0f,\"p50_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f}",
                             symbols, positions, result.decisions, result.approved, result.perSecond, result.percentile(0.5),
                             result.percentile(0.99), result.percentile(1.0)))
            } else {
                print("risk engine (pure, no I/O): \(symbols) symbols, \(positions) open positions, \(returns) returns each")
                print(String(format: "  %d decisions (%d approved) in %.3f s: %.0f decisions/s", result.decisions, result.approved, result.seconds, result.perSecond))
                print(String(format: "  latency p50 %.1f µs, p99 %.1f µs, max %.1f µs", result.percentile(0.5), result.percentile(0.99), result.percentile(1.0)))
            }
        }
    }
}
