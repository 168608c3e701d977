import Config
import Core
import Strategy
import Testing

/// Each composable part of the strategy on the scripted 1h market, whose one long signal is at
/// bar 90 (close 186, ATR exactly 1.5, RSI ≈ 65).
@Suite("MACDRSIStrategy: composable parts")
struct StrategyPartsTests {
    let candles = try! ScriptedMarket.candles(ScriptedMarket.pullbackRally)

    func outcome(_ settings: StrategySettings, _ candles: [Candle]? = nil) throws -> (intents: [Intent], filtered: [EntryFilter]) {
        var strategy = try scriptedStrategy(settings)
        let result = try feed(&strategy, candles ?? self.candles)
        return (result.intents.map(\.intent), result.filtered)
    }

    // MARK: Take-profit ladder and trailing

    @Test("TP1 closes its fraction and moves the stop to break-even; the rest trails by ATR")
    func ladderWithATRTrailing() throws {
        var settings = StrategySettings()
        settings.takeProfit.firstTargetATR = 2
        settings.takeProfit.firstFraction = try FixedPoint(parsing: "0.5")
        settings.takeProfit.breakEven = true
        settings.takeProfit.trailing = .init(enabled: true, mode: .atr, atrMultiplier: 2, percent: FixedPoint(integer: 1))
        let intent = try #require(try outcome(settings).intents.first)
        #expect(intent.takeProfits == [try TakeProfitTarget(price: price("189"), fraction: try FixedPoint(parsing: "0.5"))])
        #expect(intent.breakEvenAfterTarget == 1)
        #expect(intent.trailing == (try TrailingRule(offset: .distance(price("3")), afterTarget: 1)))
    }

    @Test("a final target takes the rest; percent trailing is a fraction of price")
    func ladderWithFinalTarget() throws {
        var settings = StrategySettings()
        settings.takeProfit.firstTargetATR = 2
        settings.takeProfit.firstFraction = try FixedPoint(parsing: "0.4")
        settings.takeProfit.finalTargetATR = 4
        settings.takeProfit.trailing = .init(enabled: true, mode: .percent, atrMultiplier: 2, percent: try FixedPoint(parsing: "1.5"))
        let intent = try #require(try outcome(settings).intents.first)
        #expect(intent.takeProfits == [
            try TakeProfitTarget(price: price("189"), fraction: try FixedPoint(parsing: "0.4")),
            try TakeProfitTarget(price: price("192"), fraction: try FixedPoint(parsing: "0.6")),
        ])
        #expect(intent.trailing == (try TrailingRule(offset: .fraction(try FixedPoint(parsing: "0.015")), afterTarget: 1)))
        #expect(intent.breakEvenAfterTarget == 0)
    }

    // MARK: Stop beyond support/resistance

    @Test("a support just beyond the ATR stop pushes the stop past it; a distant one does not")
    func stopBeyondSupport() throws {
        // The swing low of bar 82 (low 177.5) is the support; the ATR stop is 183.75.
        var settings = StrategySettings()
        settings.stop.supportResistance = .init(enabled: true, proximityATR: 4.3, bufferATR: 0.1, swingStrength: 3, window: 200, tolerance: 0.003)
        let moved = try #require(try outcome(settings).intents.first)
        #expect(moved.stopLoss == price("177.3"))  // 177.5 − 0.15 = 177.35, rounded away from the entry
        #expect(moved.indicators["stop_level"] == 177.5)

        settings.stop.supportResistance.proximityATR = 0.5  // 177.5 is 4.2 ATR beyond the stop
        let kept = try #require(try outcome(settings).intents.first)
        #expect(kept.stopLoss == price("183.7") && kept.indicators["stop_level"] == nil)
    }

    // MARK: Pullback confirmation

    func pullbackSettings() -> StrategySettings {
        var settings = StrategySettings()
        settings.pullback = .init(enabled: true, sizeATR: 0.5, timeoutBars: 3)
        return settings
    }

    @Test("after the signal, a dip to the pullback level enters there with a limit order")
    func pullbackReached() throws {
        // Bar 91 dips to 185.0, below the level 186 − 0.75 = 185.25 → 185.2.
        let candles = Array(candles[...90]) + [try ScriptedMarket.candle(at: 91, close: 185.5)]
        let result = try outcome(pullbackSettings(), candles)
        let intent = try #require(result.intents.first)
        #expect(result.intents.count == 1)
        #expect(intent.entry == .limit(price("185.2")) && intent.entryPrice == price("185.2"))
        #expect(intent.stopLoss == price("182.9"))  // 185.2 − 2.25
        #expect(intent.takeProfits == [.whole(at: price("189.7"))])  // 185.2 + 4.5
        // Still the signal bar's intent (same id), decided when the pullback came.
        #expect(intent.candleTime == ScriptedMarket.openTime(ofBar: 90))
        #expect(intent.createdAt == ScriptedMarket.openTime(ofBar: 92))
        #expect(intent.reason.contains("pullback to 185.2"))
    }

    @Test("no pullback within the timeout, or one that runs through the stop, gives no intent")
    func pullbackMissed() throws {
        let rally = try outcome(pullbackSettings())  // price keeps rising after bar 90
        #expect(rally.intents.isEmpty && rally.filtered == [.pullbackTimeout])

        let crash = Array(candles[...90]) + [try ScriptedMarket.candle(at: 91, close: 182.6)]  // low 182.1 < stop 182.9
        let crashed = try outcome(pullbackSettings(), crash)
        #expect(crashed.intents.isEmpty && crashed.filtered == [.pullbackInvalidated])
    }

    // MARK: Filters

    @Test("each filter blocks the signal when its bound is not met and lets it through when it is")
    func filters() throws {
        func filtered(_ change: (inout StrategySettings.Filters) -> Void) throws -> [EntryFilter] {
            var settings = StrategySettings()
            change(&settings.filters)
            let result = try outcome(settings)
            #expect(result.intents.count == (result.filtered.isEmpty ? 1 : 0))
            return result.filtered
        }
        // Volatility: ATR is 0.81% of price; per-bar realised volatility is ≈ 0.55%.
        #expect(try filtered { $0.volatility = .init(enabled: true, maxATRPercent: 0.5, period: 20, maxVolatilityPercent: 5) } == [.volatility])
        #expect(try filtered { $0.volatility = .init(enabled: true, maxATRPercent: 1, period: 20, maxVolatilityPercent: 0.1) } == [.volatility])
        #expect(try filtered { $0.volatility = .init(enabled: true, maxATRPercent: 1, period: 20, maxVolatilityPercent: 1) } == [])
        // Hours: bar 90 closes at the start of bar 91.
        let minute = Int((ScriptedMarket.openTime(ofBar: 91).milliseconds / 60_000) % 1440)
        let around = UTCWindow(startMinute: minute, endMinute: minute + 1)
        let elsewhere = UTCWindow(startMinute: (minute + 60) % 1440, endMinute: (minute + 120) % 1440)
        #expect(try filtered { $0.hours = .init(enabled: true, windows: [elsewhere]) } == [.hours])
        #expect(try filtered { $0.hours = .init(enabled: true, windows: [elsewhere, around]) } == [])
        // Momentum over 5 bars: 100·(186/181 − 1) − 100·(181/180 − 1) ≈ 2.21%.
        #expect(try filtered { $0.momentum = .init(enabled: true, period: 5, minAccelerationPercent: 2.5) } == [.momentum])
        #expect(try filtered { $0.momentum = .init(enabled: true, period: 5, minAccelerationPercent: 2) } == [])
        // Volume: every bar trades 1, so relative volume is exactly 1.
        #expect(try filtered { $0.volume = .init(enabled: true, period: 20, minRelative: 1.01) } == [.volume])
        #expect(try filtered { $0.volume = .init(enabled: true, period: 20, minRelative: 1) } == [])
        // Anomaly: the bar-90 return is an ordinary one; a tight bound calls it anomalous.
        #expect(try filtered { $0.anomaly = .init(enabled: true, period: 50, maxReturnZ: 0.2, maxVolumeZ: 6) } == [.anomaly])
        #expect(try filtered { $0.anomaly = .init(enabled: true, period: 50, maxReturnZ: 4, maxVolumeZ: 6) } == [])
    }

    @Test("an unusual volume spike on the signal bar is an anomaly")
    func volumeAnomaly() throws {
        var candles = candles
        let spike = candles[90]
        candles[90] = try Candle(
            symbol: spike.symbol, timeframe: spike.timeframe, openTime: spike.openTime, open: spike.open, high: spike.high,
            low: spike.low, close: spike.close, volume: Quantity(parsing: "40"), isClosed: true)
        var settings = StrategySettings()
        settings.filters.anomaly = .init(enabled: true, period: 50, maxReturnZ: 4, maxVolumeZ: 6)
        #expect(try outcome(settings, candles).filtered == [.anomaly])
    }
}
