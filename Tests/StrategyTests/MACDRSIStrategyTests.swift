import Core
import Foundation
import Strategy
import Testing

@Suite("MACDRSIStrategy")
struct MACDRSIStrategyTests {
    let configuration = MACDRSIConfiguration(tickSize: try! Price(parsing: "0.1"))

    /// Every intent with the index of the bar that produced it.
    func run(_ strategy: inout MACDRSIStrategy, _ candles: [Candle]) -> [(bar: Int, intent: Intent)] {
        candles.enumerated().compactMap { index, candle in strategy.onCandle(candle).map { (index, $0) } }
    }

    func run(_ candles: [Candle], configuration: MACDRSIConfiguration? = nil) throws -> [(bar: Int, intent: Intent)] {
        var strategy = try MACDRSIStrategy(configuration: configuration ?? self.configuration)
        return run(&strategy, candles)
    }

    @Test("a pullback in a rally gives exactly one long at the cross, stop and TP from ATR 1.5")
    func long() throws {
        let intents = try run(ScriptedMarket.candles(ScriptedMarket.pullbackRally))
        try #require(intents.count == 1)
        let (bar, intent) = intents[0]
        #expect(bar == 90)
        #expect(intent.side == .buy && intent.kind == .entry)
        #expect(intent.referencePrice == (try Price(parsing: "186")))
        #expect(intent.stopLoss == (try Price(parsing: "183.7")))  // 183.75 rounded away from the entry
        #expect(intent.takeProfits == [try Price(parsing: "190.5")])
        #expect(intent.strategy == "macd_rsi" && intent.symbol == ScriptedMarket.symbol && intent.timeframe == .h1)
        #expect(intent.candleTime == ScriptedMarket.openTime(ofBar: 90))
        #expect(intent.createdAt == ScriptedMarket.openTime(ofBar: 91))
        #expect(intent.id == Intent.deriveID(
            strategy: "macd_rsi", symbol: ScriptedMarket.symbol, timeframe: .h1,
            candleTime: ScriptedMarket.openTime(ofBar: 90), kind: .entry, side: .buy))
    }

    @Test("a coarse tick rounds the stop away from and the take-profit toward the entry")
    func rounding() throws {
        var coarse = configuration
        coarse.tickSize = try Price(parsing: "2")
        let intent = try #require(try run(ScriptedMarket.candles(ScriptedMarket.pullbackRally), configuration: coarse).first?.intent)
        #expect(intent.stopLoss == (try Price(parsing: "182")))  // 183.75 → 182
        #expect(intent.takeProfits == [try Price(parsing: "190")])  // 190.5 → 190
    }

    @Test("the mirrored market gives exactly one short")
    func short() throws {
        let intents = try run(ScriptedMarket.candles(ScriptedMarket.bounceDecline))
        try #require(intents.count == 1)
        let (bar, intent) = intents[0]
        #expect(bar == 90)
        #expect(intent.side == .sell)
        #expect(intent.referencePrice == (try Price(parsing: "214")))
        #expect(intent.stopLoss == (try Price(parsing: "216.3")))  // 216.25 rounded away from the entry
        #expect(intent.takeProfits == [try Price(parsing: "209.5")])
    }

    @Test("replaying the same candles gives the same intents and ids")
    func stableIDs() throws {
        let candles = try ScriptedMarket.candles(ScriptedMarket.pullbackRally + ScriptedMarket.bounceDecline)
        let first = try run(candles).map(\.intent)
        #expect(!first.isEmpty)
        #expect(try run(candles).map(\.intent) == first)
    }

    @Test("no intent when every cross has RSI out of bounds")
    func rsiOutOfBounds() throws {
        #expect(try run(ScriptedMarket.candles(ScriptedMarket.overboughtRally)).isEmpty)
        var narrow = configuration
        narrow.longRSI = RSIBounds(lower: 50, upper: 60)  // the bar-90 cross has RSI ≈ 65
        #expect(try run(ScriptedMarket.candles(ScriptedMarket.pullbackRally), configuration: narrow).isEmpty)
    }

    @Test("candles still forming, repeated or older candles are ignored")
    func ignoredCandles() throws {
        let closed = try ScriptedMarket.candles(ScriptedMarket.pullbackRally)
        let forming = try ScriptedMarket.candles(ScriptedMarket.pullbackRally.map { $0 + 7 }, isClosed: false)
        var strategy = try MACDRSIStrategy(configuration: configuration)
        for candle in forming { #expect(strategy.onCandle(candle) == nil) }
        let untouched = try MACDRSIStrategy(configuration: configuration)
        #expect(strategy == untouched)

        // Each closed candle is preceded by a forming version and followed by a stale repeat.
        var mixed: [Candle] = []
        for index in closed.indices {
            mixed += [forming[index], closed[index], closed[max(0, index - 1)]]
        }
        var interleaved = try MACDRSIStrategy(configuration: configuration)
        let expected = try run(closed).map(\.intent)
        #expect(run(&interleaved, mixed).map(\.intent) == expected)
    }

    @Test("warm-up emits nothing; snapshot and restore mid-series gives the same later intents")
    func restore() throws {
        let candles = try ScriptedMarket.candles(ScriptedMarket.pullbackRally)
        let uninterrupted = try run(candles).map(\.intent)
        for split in [20, 60, 85] {
            var first = try MACDRSIStrategy(configuration: configuration)
            first.warmUp(Array(candles[..<split]))
            let saved = try JSONEncoder().encode(first.state)
            let state = try JSONDecoder().decode(MACDRSIState.self, from: saved)
            var resumed = try MACDRSIStrategy(configuration: configuration, state: state)
            #expect(resumed == first)
            #expect(run(&resumed, Array(candles[split...])).map(\.intent) == uninterrupted)
        }
        var warmed = try MACDRSIStrategy(configuration: configuration)
        warmed.warmUp(candles)  // contains the bar-90 cross
        #expect(warmed.state.lastCandleTime == candles.last?.openTime)
    }
}

@Suite("MACD+RSI configuration")
struct MACDRSIConfigurationTests {
    @Test func settingsAStrategyCannotRunWithAreRefusedByName() throws {
        let tick = try Price(parsing: "0.1")
        func refused(_ change: (inout MACDRSIConfiguration) -> Void) -> String? {
            var configuration = MACDRSIConfiguration(tickSize: tick)
            change(&configuration)
            do {
                _ = try MACDRSIStrategy(configuration: configuration)
                return nil
            } catch {
                return error.field
            }
        }
        #expect(refused { _ in } == nil)
        #expect(refused { $0.macdFast = 26 } == "macdFast")
        #expect(refused { $0.rsiPeriod = 0 } == "rsiPeriod")
        #expect(refused { $0.tickSize = .zero } == "tickSize")
        #expect(refused { $0.longRSI = RSIBounds(lower: 70, upper: 50) } == "longRSI")
        #expect(refused { $0.stopMultiplier = -1 } == "stopMultiplier")
        #expect(refused { $0.takeProfitMultiplier = .nan } == "takeProfitMultiplier")
        #expect(refused { $0.name = "" } == "name")
    }
}
