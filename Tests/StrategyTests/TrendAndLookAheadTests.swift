import Config
import Core
import Foundation
import Strategy
import Testing

/// 4h candles for the scripted market's span whose closes rise (or fall) ever faster, so their
/// MACD histogram is clearly positive (negative) throughout.
func trendCandles(rising: Bool) throws -> [Candle] {
    let first = Timeframe.h4.bucketStart(of: ScriptedMarket.start.adding(milliseconds: -60 * Timeframe.h4.milliseconds))
    return try (0..<90).map { index in
        let drift = 0.05 * Double(index * index)
        let close = rising ? 100 + drift : 1000 - drift
        let text = String(format: "%.2f", close)
        return try Candle(
            symbol: ScriptedMarket.symbol, timeframe: .h4, openTime: first.adding(milliseconds: Int64(index) * Timeframe.h4.milliseconds),
            open: Price(parsing: text), high: Price(parsing: text), low: Price(parsing: text), close: Price(parsing: text),
            volume: Quantity(parsing: "1"), isClosed: true)
    }
}

@Suite("MACDRSIStrategy: higher-timeframe trend")
struct TrendAlignmentTests {
    func trendSettings() -> StrategySettings {
        var settings = StrategySettings()
        settings.trend = .init(enabled: true, timeframes: [.h4])
        return settings
    }

    func run(_ candles: [Candle]) throws -> (intents: [Intent], filtered: [EntryFilter]) {
        var strategy = try scriptedStrategy(trendSettings())
        var intents: [Intent] = []
        var filtered: [EntryFilter] = []
        for candle in candles {
            let step = try strategy.onCandle(candle)
            intents += step.intents
            filtered += step.filtered
        }
        return (intents, filtered)
    }

    @Test("a long needs the 4h trend up: aligned it enters, against it is filtered, without it waits")
    func alignment() throws {
        let signal = try ScriptedMarket.candles(ScriptedMarket.pullbackRally)
        let up = try run(MACDRSIStrategy.batchOrder(signal + trendCandles(rising: true)))
        try #require(up.intents.count == 1)
        #expect(up.intents[0].reason.hasSuffix("trend up on 4h"))
        #expect(up.intents[0].indicators["trend_4h_macd_histogram"].map { $0 > 0 } == true)

        let down = try run(MACDRSIStrategy.batchOrder(signal + trendCandles(rising: false)))
        #expect(down.intents.isEmpty && down.filtered == [.trend])

        let none = try run(signal)
        #expect(none.intents.isEmpty && none.filtered == [.trendUnavailable])
    }

    @Test("a trend candle arriving after the signal candle it belongs to gives the same intent")
    func lateTrendCandle() throws {
        let all = try ScriptedMarket.candles(ScriptedMarket.pullbackRally) + trendCandles(rising: true)
        let batch = try run(MACDRSIStrategy.batchOrder(all)).intents
        // Among candles closing together, the 1h now comes before the 4h.
        let signalFirst = all.sorted { a, b in
            a.closeTime != b.closeTime ? a.closeTime < b.closeTime : a.timeframe.seconds < b.timeframe.seconds
        }
        #expect(signalFirst != MACDRSIStrategy.batchOrder(all))
        #expect(try run(signalFirst).intents == batch)
    }
}

/// The real BTC/USD hourly bars the indicator reference uses, with 4h bars built from them.
enum BitcoinHours {
    static let symbol = try! Symbol("BTCUSDT")

    static let hourly: [Candle] = {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("IndicatorsTests/Reference/talib_btcusd_1h.csv")
        let text = try! String(contentsOf: file, encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.hasPrefix("time") }.map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).prefix(6).map(String.init)
            return try! Candle(
                symbol: symbol, timeframe: .h1, openTime: Timestamp(milliseconds: Int64(fields[0])!),
                open: Price(parsing: fields[1]), high: Price(parsing: fields[2]), low: Price(parsing: fields[3]),
                close: Price(parsing: fields[4]), volume: Quantity(parsing: fields[5]), isClosed: true)
        }
    }()

    /// Whole 4h buckets of `hours`.
    static func fourHourly(_ hours: [Candle]) -> [Candle] {
        Dictionary(grouping: hours) { Timeframe.h4.bucketStart(of: $0.openTime) }
            .filter { $0.value.count == 4 }
            .sorted { $0.key < $1.key }
            .map { start, bars in
                let bars = bars.sorted { $0.openTime < $1.openTime }
                let volume = bars.reduce(FixedPoint.zero) { try! $0.adding($1.volume.value) }
                return try! Candle(
                    symbol: symbol, timeframe: .h4, openTime: start, open: bars[0].open, high: bars.map(\.high).max()!,
                    low: bars.map(\.low).min()!, close: bars[3].close, volume: Quantity(volume), isClosed: true)
            }
    }
}

/// The strategy with every part on (the balanced preset's settings, a pullback, the hours
/// filter off) sees no future: one bar at a time it decides exactly as the batch path, and
/// changing a later bar never changes an earlier intent.
@Suite("MACDRSIStrategy: no look-ahead")
struct StrategyNoLookAheadTests {
    static let settings: StrategySettings = {
        var settings = StrategySettings()
        settings.trend = .init(enabled: true, timeframes: [.h4])
        settings.stop.supportResistance.enabled = true
        settings.takeProfit.firstTargetATR = 2
        settings.takeProfit.firstFraction = try! FixedPoint(parsing: "0.5")
        settings.takeProfit.breakEven = true
        settings.takeProfit.trailing.enabled = true
        settings.pullback = .init(enabled: true, sizeATR: 0.3, timeoutBars: 4)
        settings.filters.volatility = .init(enabled: true, maxATRPercent: 3, period: 20, maxVolatilityPercent: 2)
        settings.filters.volume = .init(enabled: true, period: 20, minRelative: 0.5)
        settings.filters.anomaly = .init(enabled: true, period: 50, maxReturnZ: 4, maxVolumeZ: 6)
        return settings
    }()

    static func strategy() throws -> MACDRSIStrategy {
        try MACDRSIStrategy(name: "full", symbol: BitcoinHours.symbol, timeframe: .h1, tickSize: price("0.01"), settings: settings)
    }

    static func batch(_ hours: [Candle]) throws -> [Intent] {
        var strategy = try strategy()
        return strategy.run(hours + BitcoinHours.fourHourly(hours))
    }

    @Test("one bar at a time, each 4h bar arriving after its last hour, gives the batch path's intents")
    func incrementalEqualsBatch() throws {
        let hours = BitcoinHours.hourly
        let expected = try Self.batch(hours)
        try #require(expected.count >= 3, "the series should give several intents, got \(expected.count)")
        var strategy = try Self.strategy()
        var incremental: [Intent] = []
        let fourHours = Dictionary(uniqueKeysWithValues: BitcoinHours.fourHourly(hours).map { ($0.closeTime, $0) })
        for hour in hours {
            incremental += try strategy.onCandle(hour).intents
            if let four = fourHours[hour.closeTime] { incremental += try strategy.onCandle(four).intents }
        }
        #expect(incremental == expected)
    }

    @Test("changing a future bar never changes an earlier intent")
    func futureBarsDoNotMatter() throws {
        let hours = BitcoinHours.hourly
        let expected = try Self.batch(hours)
        var changedBars = 0
        for intent in expected.prefix(6) {
            // The first bar after the intent was decided: double its range and volume.
            guard let index = hours.firstIndex(where: { $0.openTime == intent.createdAt }) else { continue }
            changedBars += 1
            var changed = hours
            let bar = hours[index]
            changed[index] = try Candle(
                symbol: bar.symbol, timeframe: .h1, openTime: bar.openTime, open: bar.open,
                high: Price(bar.high.value.adding(bar.high.value.subtracting(bar.low.value))), low: bar.low,
                close: Price(bar.high.value.adding(bar.high.value.subtracting(bar.low.value))),
                volume: Quantity(try bar.volume.value.multiplied(by: FixedPoint(integer: 3))), isClosed: true)
            let decidedBefore = { (intents: [Intent]) in intents.filter { $0.createdAt <= intent.createdAt } }
            #expect(decidedBefore(try Self.batch(changed)) == decidedBefore(expected))
        }
        #expect(changedBars >= 3, "only \(changedBars) intents were followed by a bar to change")
    }
}
