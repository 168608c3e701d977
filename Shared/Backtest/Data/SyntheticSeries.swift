import Core
import ExchangeSimulator
import Foundation
import Synchronization

/// `SyntheticCandles`' market straight into `BarSeries` columns, one symbol per core: the
/// market-wide draws are taken first (one a minute, from the seed), then each symbol runs its
/// own process against them. Same instruments, seed, correlation, timeframe and start give the
/// same bars as `SyntheticCandles`, without a `Candle` per minute.
public enum SyntheticSeries {
    public static func generate(
        instruments: [SimulatedInstrument], timeframe: Timeframe, start: Timestamp, bars: Int, seed: UInt64, correlation: Double,
        parallelism: Int
    ) throws -> [BarSeries] {
        guard bars > 0, timeframe.seconds >= 60 else {
            throw BacktestConfigurationError(field: "synthetic", reason: "needs at least one bar of a timeframe of a minute or more")
        }
        let minutesPerBar = Int(timeframe.seconds / 60)
        var market = SplitMix64(seed: seed)
        let common = (0..<(bars * minutesPerBar)).map { _ in market.gaussian() }
        let open = timeframe.bucketStart(of: start).milliseconds
        let results = Mutex([BarSeries?](repeating: nil, count: instruments.count))
        let next = Atomic(0)
        DispatchQueue.concurrentPerform(iterations: max(1, min(parallelism, instruments.count))) { _ in
            while true {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < instruments.count else { return }
                let series = symbolSeries(
                    instruments[index], timeframe: timeframe, open: open, bars: bars, minutesPerBar: minutesPerBar, common: common,
                    seed: seed, correlation: correlation)
                results.withLock { $0[index] = series }
            }
        }
        return results.withLock { $0.map { $0! } }
    }

    private static func symbolSeries(
        _ instrument: SimulatedInstrument, timeframe: Timeframe, open: Int64, bars: Int, minutesPerBar: Int, common: [Double],
        seed: UInt64, correlation: Double
    ) -> BarSeries {
        var process = SyntheticPriceProcess(instrument: instrument, startTicks: instrument.startTicks, seed: seed, correlation: correlation)
        var series = BarSeries(instrument: instrument, timeframe: timeframe, capacity: bars)
        var minute = 0
        for bar in 0..<bars {
            var merged = process.next(common: common[minute]).bar
            minute += 1
            for _ in 1..<minutesPerBar {
                let next = process.next(common: common[minute]).bar
                minute += 1
                merged.high = max(merged.high, next.high)
                merged.low = min(merged.low, next.low)
                merged.close = next.close
                merged.volume += next.volume
            }
            series.append(
                openTime: Timestamp(milliseconds: open + Int64(bar) * timeframe.milliseconds), open: merged.open, high: merged.high,
                low: merged.low, close: merged.close, volume: merged.volume)
        }
        return series
    }

    /// `count` instruments for scale tests: the simulator's default perpetuals' shapes in turn,
    /// named `S0001USDT`, `S0002USDT`, …
    public static func instruments(count: Int) throws -> [SimulatedInstrument] {
        let shapes = SimulatedInstrument.defaults
        return try (0..<count).map { index in
            let shape = shapes[index % shapes.count]
            let scale = Int64(powerOfTen(Int(shape.priceScale)))
            return try SimulatedInstrument(
                symbol: "S\(String(format: "%04d", index + 1))USDT", baseCoin: "S\(index + 1)", priceScale: shape.priceScale,
                tickUnits: shape.tickUnits, qtyScale: shape.qtyScale, qtyStepUnits: shape.qtyStepUnits,
                minOrderQtyUnits: shape.minOrderQtyUnits, maxOrderQtyUnits: shape.maxOrderQtyUnits,
                maxMarketOrderQtyUnits: shape.maxMarketOrderQtyUnits, minNotional: shape.minNotional, maxLeverage: shape.maxLeverage,
                startPrice: max(1, shape.startTicks * shape.tickUnits / scale))
        }
    }
}
