import Core
import Foundation
import Strategy
import Synchronization

/// Every intent the strategies give over the whole run, worked out before the portfolio is
/// simulated. A strategy reads only its own symbol's candles, never the account (in the live
/// system signals and risk are separate services), so running each symbol's strategy ahead,
/// one symbol per core, gives exactly the intents the bar-by-bar run would.
enum SignalTape {
    /// Intents per series, in the order they were created. `strategies[i]` reads
    /// `market.series[i]`: its signal timeframe is the series', its trend timeframes are
    /// resampled from it (complete buckets only).
    static func intents(market: BacktestMarket, strategies: [MACDRSIStrategy], parallelism: Int) throws -> [[Intent]] {
        let results = Mutex([Result<[Intent], any Error>?](repeating: nil, count: strategies.count))
        let next = Atomic(0)
        let workers = max(1, min(parallelism, strategies.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < strategies.count else { return }
                let result = Result { try intents(of: market.series[index], strategy: strategies[index]) }
                results.withLock { $0[index] = result }
            }
        }
        return try results.withLock { $0 }.map { try $0!.get() }
    }

    private static func intents(of series: BarSeries, strategy: MACDRSIStrategy) throws -> [Intent] {
        var strategy = strategy
        guard strategy.symbol == series.symbol, strategy.timeframe == series.timeframe else {
            throw BacktestConfigurationError(
                field: "strategy", reason: "\(strategy.name) trades \(strategy.symbol) on \(strategy.timeframe), the data is \(series.symbol) on \(series.timeframe)")
        }
        let signal = (0..<series.count).map(series.candle)
        let runs = try [signal] + strategy.timeframes.dropFirst().map { try Resampler.resample(signal, to: $0) }
        var intents: [Intent] = []
        try MACDRSIStrategy.inBatchOrder(merging: runs) { intents += try strategy.onCandle($0).intents }
        return intents
    }
}
