import Core
import ExchangeSimulator

/// A deterministic synthetic market of many symbols, for scale tests: each symbol runs the
/// exchange simulator's synthetic process (`SyntheticPriceProcess`: trending and ranging regimes,
/// clustered volatility, jumps) one minute at a time, its shocks correlated across symbols by
/// `correlation` (one market-wide draw a minute, see `SyntheticPriceProcess`), and the minutes
/// are merged into `timeframe` candles. The same instruments, seed, correlation, timeframe and
/// start give the same candles, and a symbol's candles do not depend on which others run beside it.
public struct SyntheticCandles: Sendable {
    public let instruments: [SimulatedInstrument]
    public let timeframe: Timeframe
    /// The open time of the candles the next `next()` returns.
    public private(set) var openTime: Timestamp
    private var processes: [SyntheticPriceProcess]
    private var market: SplitMix64

    /// `start` is moved back to its `timeframe` bucket; each symbol starts at its instrument's
    /// start price; `correlation` is clamped to 0...1.
    public init(instruments: [SimulatedInstrument], timeframe: Timeframe, start: Timestamp, seed: UInt64, correlation: Double) {
        self.instruments = instruments
        self.timeframe = timeframe
        openTime = timeframe.bucketStart(of: start)
        processes = instruments.map {
            SyntheticPriceProcess(instrument: $0, startTicks: $0.startTicks, seed: seed, correlation: correlation)
        }
        market = SplitMix64(seed: seed)
    }

    /// The next candle of every instrument, in `instruments` order, all opening at `openTime`.
    public mutating func next() -> [Candle] {
        let minutes = Int(timeframe.seconds / 60)
        var bars = [[Candle]](repeating: [], count: instruments.count)
        for minute in 0..<minutes {
            let common = market.gaussian()
            let time = openTime.adding(milliseconds: Int64(minute) * 60_000)
            for index in instruments.indices {
                bars[index].append(Self.candle(processes[index].next(common: common).bar, instrument: instruments[index], at: time))
            }
        }
        let candles = bars.map { Resampler.merge($0[...], into: timeframe, openTime: openTime, isClosed: true) }
        openTime = openTime.adding(milliseconds: timeframe.milliseconds)
        return candles
    }

    /// `count` candles per symbol, keyed by symbol, oldest first.
    public mutating func candles(count: Int) -> [Symbol: [Candle]] {
        var series = [Symbol: [Candle]](uniqueKeysWithValues: instruments.map { ($0.symbol, []) })
        for _ in 0..<count {
            for candle in next() { series[candle.symbol, default: []].append(candle) }
        }
        return series
    }

    /// A minute bar (ticks and quantity units) as a one-minute candle at the instrument's scales.
    private static func candle(_ bar: MinuteBar, instrument: SimulatedInstrument, at time: Timestamp) -> Candle {
        // Force-try is safe: the process keeps ticks ≥ 1 and low ≤ open, close ≤ high; scales
        // are the instrument's; `time` is a minute start.
        func price(_ ticks: Int64) -> Price { Price(try! FixedPoint(units: ticks * instrument.tickUnits, scale: instrument.priceScale)) }
        return try! Candle(
            symbol: instrument.symbol, timeframe: .m1, openTime: time, open: price(bar.open), high: price(bar.high),
            low: price(bar.low), close: price(bar.close),
            volume: Quantity(try! FixedPoint(units: bar.volume, scale: instrument.qtyScale)), isClosed: true)
    }
}
