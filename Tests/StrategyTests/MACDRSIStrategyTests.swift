import Config
import Core
import Foundation
import Strategy
import Testing

/// A strategy on the scripted 1h market with `settings`, tick 0.1.
func scriptedStrategy(_ settings: StrategySettings = StrategySettings(), tick: String = "0.1") throws -> MACDRSIStrategy {
    try MACDRSIStrategy(
        name: "macd_rsi", symbol: ScriptedMarket.symbol, timeframe: ScriptedMarket.timeframe,
        tickSize: try Price(parsing: tick), settings: settings)
}

/// Feeds `candles` in order: every intent with the index of the candle that produced it, and
/// every filter that stopped a signal.
func feed(_ strategy: inout MACDRSIStrategy, _ candles: [Candle]) throws -> (intents: [(bar: Int, intent: Intent)], filtered: [EntryFilter]) {
    var intents: [(Int, Intent)] = []
    var filtered: [EntryFilter] = []
    for (index, candle) in candles.enumerated() {
        let step = try strategy.onCandle(candle)
        intents += step.intents.map { (index, $0) }
        filtered += step.filtered
    }
    return (intents, filtered)
}

func price(_ text: String) -> Price { try! Price(parsing: text) }

@Suite("MACDRSIStrategy: the plain strategy")
struct MACDRSIStrategyTests {
    func run(_ closes: [Double], _ settings: StrategySettings = StrategySettings(), tick: String = "0.1") throws -> [(bar: Int, intent: Intent)] {
        var strategy = try scriptedStrategy(settings, tick: tick)
        return try feed(&strategy, ScriptedMarket.candles(closes)).intents
    }

    @Test("a pullback in a rally gives exactly one long at the cross, stop and TP from ATR 1.5")
    func long() throws {
        let intents = try run(ScriptedMarket.pullbackRally)
        try #require(intents.count == 1)
        let (bar, intent) = intents[0]
        #expect(bar == 90)
        #expect(intent.side == .buy && intent.kind == .entry && intent.entry == .market)
        #expect(intent.referencePrice == price("186"))
        #expect(intent.stopLoss == price("183.7"))  // 183.75 rounded away from the entry
        #expect(intent.takeProfits == [.whole(at: price("190.5"))])
        #expect(intent.trailing == nil && intent.breakEvenAfterTarget == 0)
        #expect(intent.strategy == "macd_rsi" && intent.symbol == ScriptedMarket.symbol && intent.timeframe == .h1)
        #expect(intent.candleTime == ScriptedMarket.openTime(ofBar: 90))
        #expect(intent.createdAt == ScriptedMarket.openTime(ofBar: 91))
        #expect(intent.expiresAt == ScriptedMarket.openTime(ofBar: 92))
        #expect(intent.id == Intent.deriveID(
            strategy: "macd_rsi", symbol: ScriptedMarket.symbol, timeframe: .h1,
            candleTime: ScriptedMarket.openTime(ofBar: 90), kind: .entry, side: .buy))
        #expect(intent.indicators["atr_14"] == 1.5 && intent.indicators["close"] == 186)
        #expect(intent.indicators["macd_histogram"].map { $0 > 0 } == true)
        #expect(intent.indicators["rsi_14"].map { 60 < $0 && $0 < 70 } == true)
        #expect((0...1).contains(intent.confidence) && intent.confidence > 0)
        #expect(intent.reason.hasPrefix("MACD cross up on 1h, RSI 6"))
    }

    @Test("a coarse tick rounds the stop away from and the take-profit toward the entry")
    func rounding() throws {
        let intent = try #require(try run(ScriptedMarket.pullbackRally, tick: "2").first?.intent)
        #expect(intent.stopLoss == price("182"))  // 183.75 → 182
        #expect(intent.takeProfits == [.whole(at: price("190"))])  // 190.5 → 190
    }

    @Test("the mirrored market gives exactly one short")
    func short() throws {
        let intents = try run(ScriptedMarket.bounceDecline)
        try #require(intents.count == 1)
        let (bar, intent) = intents[0]
        #expect(bar == 90 && intent.side == .sell)
        #expect(intent.referencePrice == price("214"))
        #expect(intent.stopLoss == price("216.3"))  // 216.25 rounded away from the entry
        #expect(intent.takeProfits == [.whole(at: price("209.5"))])
    }

    @Test("replaying the same candles gives the same intents and ids")
    func stableIDs() throws {
        let closes = ScriptedMarket.pullbackRally + ScriptedMarket.bounceDecline
        let first = try run(closes).map(\.intent)
        #expect(!first.isEmpty)
        #expect(try run(closes).map(\.intent) == first)
    }

    @Test("no intent when every cross has RSI out of bounds")
    func rsiOutOfBounds() throws {
        #expect(try run(ScriptedMarket.overboughtRally).isEmpty)
        var narrow = StrategySettings()
        narrow.entry.longRSI = 50...60  // the bar-90 cross has RSI ≈ 65
        #expect(try run(ScriptedMarket.pullbackRally, narrow).isEmpty)
    }

    @Test("candles of another symbol or timeframe, still forming, repeated or older are refused, state untouched")
    func refusedCandles() throws {
        let candles = try ScriptedMarket.candles(ScriptedMarket.pullbackRally)
        var strategy = try scriptedStrategy()
        _ = try feed(&strategy, Array(candles[..<50]))
        let before = strategy
        let other = try Candle(
            symbol: Symbol("ETHUSDT"), timeframe: .h1, openTime: ScriptedMarket.openTime(ofBar: 50), open: price("1"),
            high: price("1"), low: price("1"), close: price("1"), volume: .zero, isClosed: true)
        let fourHour = try Candle(
            symbol: ScriptedMarket.symbol, timeframe: .h4, openTime: ScriptedMarket.openTime(ofBar: 46), open: price("1"),
            high: price("1"), low: price("1"), close: price("1"), volume: .zero, isClosed: true)
        let forming = try ScriptedMarket.candle(at: 50, close: 170, isClosed: false)
        let rejections: [(Candle, CandleRejection)] = [
            (other, .otherSymbol(other.symbol)), (fourHour, .otherTimeframe(.h4)), (forming, .notClosed),
            (candles[49], .duplicate(candles[49].openTime)),
            (candles[30], .outOfOrder(candles[30].openTime, last: candles[49].openTime)),
        ]
        for (candle, rejection) in rejections {
            #expect(throws: rejection) { try strategy.onCandle(candle) }
            #expect(strategy == before)
        }
        // And the rest of the series decides exactly as if nothing had been refused.
        #expect(try feed(&strategy, Array(candles[50...])).intents.map(\.intent) == (try run(ScriptedMarket.pullbackRally).map(\.intent)))
    }

    @Test("warm-up emits nothing; a JSON snapshot restored mid-series gives the same later intents")
    func restore() throws {
        let candles = try ScriptedMarket.candles(ScriptedMarket.pullbackRally)
        let uninterrupted = try run(ScriptedMarket.pullbackRally).map(\.intent)
        for split in [20, 60, 85] {
            var first = try scriptedStrategy()
            first.warmUp(Array(candles[..<split]))
            let saved = try JSONEncoder().encode(first)
            var resumed = try JSONDecoder().decode(MACDRSIStrategy.self, from: saved)
            #expect(resumed == first)
            #expect(try feed(&resumed, Array(candles[split...])).intents.map(\.intent) == uninterrupted)
        }
        var warmed = try scriptedStrategy()
        warmed.warmUp(candles)  // contains the bar-90 cross
        #expect(warmed.lastOpenTime(of: .h1) == candles.last?.openTime)
    }

    @Test("a tick or name it cannot work with is refused by field")
    func refusedConfiguration() throws {
        #expect(throws: StrategyConfigurationError.self) { try scriptedStrategy(tick: "0") }
        #expect(throws: StrategyConfigurationError.self) {
            try MACDRSIStrategy(name: "", symbol: ScriptedMarket.symbol, timeframe: .h1, tickSize: price("0.1"), settings: StrategySettings())
        }
    }
}
