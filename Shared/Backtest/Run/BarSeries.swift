import Core
import ExchangeSimulator

/// One symbol's bars on the run's timeframe, held as columns of integers (prices in ticks,
/// volume in quantity units): 48 bytes a bar, so a year of 5-minute bars for 300 symbols fits
/// in memory, and a `Candle` is made only when a strategy reads one.
public struct BarSeries: Sendable {
    public let instrument: SimulatedInstrument
    public let timeframe: Timeframe
    public private(set) var openTimes: [Int64] = []
    public private(set) var opens: [Int64] = []
    public private(set) var highs: [Int64] = []
    public private(set) var lows: [Int64] = []
    public private(set) var closes: [Int64] = []
    public private(set) var volumes: [Int64] = []
    /// True while every bar opens one timeframe after the one before: the run then knows the
    /// next bar's open time without reading it.
    public private(set) var isGapFree = true

    public init(instrument: SimulatedInstrument, timeframe: Timeframe, capacity: Int = 0) {
        self.instrument = instrument
        self.timeframe = timeframe
        for column in [\Self.openTimes, \.opens, \.highs, \.lows, \.closes, \.volumes] as [WritableKeyPath<Self, [Int64]>] {
            self[keyPath: column].reserveCapacity(capacity)
        }
    }

    /// `candles` (this instrument's, on `timeframe`, oldest first). Throws
    /// `BacktestConfigurationError` for a price off the instrument's tick, a quantity finer than
    /// its scale, another symbol or timeframe, or a candle not after the one before.
    public init(instrument: SimulatedInstrument, candles: [Candle]) throws {
        guard let first = candles.first else {
            throw BacktestConfigurationError(field: "data", reason: "\(instrument.symbol) has no bars")
        }
        self.init(instrument: instrument, timeframe: first.timeframe, capacity: candles.count)
        for candle in candles {
            guard candle.symbol == instrument.symbol, candle.timeframe == timeframe else {
                throw BacktestConfigurationError(field: "data", reason: "\(candle.symbol) \(candle.timeframe) bar among \(instrument.symbol) \(timeframe) bars")
            }
            guard openTimes.last.map({ $0 < candle.openTime.milliseconds }) ?? true else {
                throw BacktestConfigurationError(field: "data", reason: "\(instrument.symbol) bar at \(candle.openTime) is not after the one before")
            }
            try append(
                openTime: candle.openTime, open: ticks(candle.open), high: ticks(candle.high), low: ticks(candle.low),
                close: ticks(candle.close), volume: units(candle.volume))
        }
    }

    public mutating func append(openTime: Timestamp, open: Int64, high: Int64, low: Int64, close: Int64, volume: Int64) {
        if let last = openTimes.last, openTime.milliseconds != last + timeframe.milliseconds { isGapFree = false }
        openTimes.append(openTime.milliseconds)
        opens.append(open)
        highs.append(high)
        lows.append(low)
        closes.append(close)
        volumes.append(volume)
    }

    public var count: Int { openTimes.count }
    public var symbol: Symbol { instrument.symbol }

    public func venueBar(_ index: Int) -> VenueBar {
        VenueBar(
            openTime: Timestamp(milliseconds: openTimes[index]), durationMs: timeframe.milliseconds, open: opens[index],
            high: highs[index], low: lows[index], close: closes[index], volume: volumes[index])
    }

    /// Bar `index` as a closed candle.
    public func candle(_ index: Int) -> Candle {
        // Force-try is safe: the columns came from valid candles or the checked generator.
        try! Candle(
            symbol: instrument.symbol, timeframe: timeframe, openTime: Timestamp(milliseconds: openTimes[index]),
            open: price(opens[index]), high: price(highs[index]), low: price(lows[index]), close: price(closes[index]),
            volume: instrument.quantityValue(units: volumes[index]), isClosed: true)
    }

    public func price(_ ticks: Int64) -> Price { instrument.priceValue(ticks: ticks) }

    func ticks(_ price: Price) throws -> Int64 { try instrument.ticks(price) }

    func units(_ quantity: Quantity) throws -> Int64 { try instrument.units(quantity) }

    /// The last bar closed by `time`, -1 when none.
    func lastIndex(closingBy time: Timestamp) -> Int {
        firstIndex(openingAfter: time.milliseconds - timeframe.milliseconds) - 1
    }

    /// The bars opening in `from ..< to` (ms).
    func indices(openingFrom from: Int64, to: Int64) -> Range<Int> {
        firstIndex(openingAfter: from - 1)..<firstIndex(openingAfter: to - 1)
    }

    /// The first bar opening after `time` (ms), or `count`.
    private func firstIndex(openingAfter time: Int64) -> Int {
        var low = 0, high = openTimes.count
        while low < high {
            let middle = (low + high) / 2
            if openTimes[middle] <= time { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

extension BarSeries {
    /// The bars opening in `from ..< to`.
    public func slice(from: Timestamp, to: Timestamp) -> BarSeries {
        var slice = BarSeries(instrument: instrument, timeframe: timeframe)
        for index in openTimes.indices where openTimes[index] >= from.milliseconds && openTimes[index] < to.milliseconds {
            slice.append(
                openTime: Timestamp(milliseconds: openTimes[index]), open: opens[index], high: highs[index], low: lows[index],
                close: closes[index], volume: volumes[index])
        }
        return slice
    }
}
