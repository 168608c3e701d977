import Config
import Core
import Foundation
import Risk
import Testing

/// Shared fixtures: a BTC long at 60,000 with its stop at 59,000 on a 15-minute candle, decided
/// the moment the candle closes, against 10,000 USDT of equity and no market knowledge.
enum Fixture {
    static let btc = try! Symbol("BTCUSDT")
    static let eth = try! Symbol("ETHUSDT")
    static let sol = try! Symbol("SOLUSDT")
    static let candle = Timestamp(milliseconds: 1_767_225_600_000)
    /// The signal candle's close.
    static let close = Timestamp(milliseconds: 1_767_225_600_000 + 900_000)
    static let limits = InstrumentLimits(
        qtyStep: try! Quantity(parsing: "0.001"), minOrderQty: try! Quantity(parsing: "0.001"),
        minNotional: try! Money(parsing: "5"), maxLeverage: FixedPoint(integer: 100))

    static func fp(_ text: String) -> FixedPoint { try! FixedPoint(parsing: text) }
    static func money(_ text: String) -> Money { Money(fp(text)) }
    static func qty(_ text: String) -> Quantity { Quantity(fp(text)) }
    static func price(_ text: String) -> Price { Price(fp(text)) }

    static func entry(
        _ side: Side = .buy, symbol: Symbol = btc, price: String = "60000", stop: String = "59000", strategy: String = "test",
        candleTime: Timestamp = candle, expiresAt: Timestamp? = nil, indicators: IndicatorValues = [:]
    ) throws -> Intent {
        try Intent(
            id: Intent.deriveID(strategy: strategy, symbol: symbol, timeframe: .m15, candleTime: candleTime, kind: .entry, side: side),
            strategy: strategy, symbol: symbol, side: side, kind: .entry, referencePrice: Price(fp(price)),
            stopLoss: Price(fp(stop)), takeProfits: [], timeframe: .m15, candleTime: candleTime,
            createdAt: Timestamp(milliseconds: candleTime.milliseconds + 900_000), expiresAt: expiresAt, indicators: indicators)
    }

    static func exit(_ side: Side, symbol: Symbol = btc, price: String = "61000") throws -> Intent {
        let time = Timestamp(milliseconds: candle.milliseconds + 3_600_000)
        return try Intent(
            id: Intent.deriveID(strategy: "test", symbol: symbol, timeframe: .m15, candleTime: time, kind: .exit, side: side),
            strategy: "test", symbol: symbol, side: side, kind: .exit, referencePrice: Price(fp(price)), stopLoss: nil,
            takeProfits: [], timeframe: .m15, candleTime: time, createdAt: time)
    }

    static func position(_ symbol: Symbol, side: Side = .buy, size: String = "0.1", price: String = "60000") throws -> Position {
        try Position(symbol: symbol, side: side, size: qty(size), averageEntryPrice: Fixture.price(price), realisedPnL: .zero,
                     leverage: FixedPoint(integer: 5))
    }

    static func context(
        equity: String = "10000", positions: [Position] = [], limits: InstrumentLimits? = limits,
        market: [Symbol: MarketState] = [:], account: AccountState = AccountState(), now: Timestamp = close
    ) -> RiskContext {
        RiskContext(portfolio: Portfolio(equity: money(equity), positions: positions), limits: limits, market: market,
                    account: account, now: now)
    }

    static func assess(_ intent: Intent, _ context: RiskContext = context(), settings: RiskSettings = RiskSettings()) -> RiskAssessment {
        RiskEngine(settings: settings).assess(intent, context: context)
    }

    static func verdict(_ assessment: RiskAssessment, _ rule: RiskRule) -> RuleVerdict? {
        assessment.verdicts.last { $0.rule == rule }
    }

    static func trades(wins: Int, win: String, losses: Int, loss: String, symbol: Symbol = sol) -> [ClosedTrade] {
        var trades: [ClosedTrade] = []
        for index in 0..<(wins + losses) {
            // Losses first, wins last, so no losing streak ends the list.
            let pnl = index < losses ? money("-" + loss) : money(win)
            trades.append(ClosedTrade(symbol: symbol, pnl: pnl, closedAt: Timestamp(milliseconds: Int64(index)), stoppedOut: false))
        }
        return trades
    }
}

@Suite("Risk engine: sizing")
struct RiskSizingTests {
    typealias F = Fixture

    @Test func fixedFractionSizesSoTheStopLosesTheRiskFraction() throws {
        // 10,000 USDT × 1 % = 100 USDT at risk; 1,000 USDT stop distance → 0.1 BTC.
        let assessment = F.assess(try F.entry())
        let approval = try #require(assessment.decision.approval)
        #expect(approval.quantity == F.qty("0.1"))
        #expect(approval.riskAmount == F.money("100"))
        #expect(approval.notional == F.money("6000"))
        #expect(approval.leverage == FixedPoint(integer: 5) && !approval.reduceOnly && approval.notes.isEmpty)
        #expect(assessment.verdicts.allSatisfy { $0.outcome == .pass })
    }

    @Test func quantityRoundsDownToTheStepSoRiskNeverExceedsTheBudget() throws {
        // 100 USDT / 700 USDT = 0.142857… → 0.142 BTC, risking 99.4 USDT.
        let approval = try #require(F.assess(try F.entry(stop: "59300")).decision.approval)
        #expect(approval.quantity == F.qty("0.142"))
        #expect(approval.riskAmount == F.money("99.4"))
        // A coarser step: 0.01 → 0.14.
        let coarse = InstrumentLimits(qtyStep: F.qty("0.01"), minOrderQty: F.qty("0.01"), minNotional: F.money("5"), maxLeverage: FixedPoint(integer: 100))
        #expect(F.assess(try F.entry(stop: "59300"), F.context(limits: coarse)).decision.approval?.quantity == F.qty("0.14"))
    }

    @Test func sizeBelowTheMinimumQuantityOrNotionalIsRefused() throws {
        // 10 USDT × 1 % = 0.1 USDT over 1,000 → 0.0001 BTC, below 0.001.
        #expect(F.assess(try F.entry(), F.context(equity: "10")).decision.rejection == .sizeBelowMinimum)
        // Just enough: 60 USDT → 0.6 / 1000 = 0.0006 → 0 after rounding; 100 USDT → exactly 0.001.
        #expect(F.assess(try F.entry(), F.context(equity: "99.99")).decision.rejection == .sizeBelowMinimum)
        #expect(F.assess(try F.entry(), F.context(equity: "100")).decision.approval?.quantity == F.qty("0.001"))
        // Min notional 61: 0.001 × 60,000 = 60 is under it.
        let strict = InstrumentLimits(qtyStep: F.qty("0.001"), minOrderQty: F.qty("0.001"), minNotional: F.money("61"), maxLeverage: FixedPoint(integer: 100))
        #expect(F.assess(try F.entry(), F.context(equity: "100", limits: strict)).decision.rejection == .sizeBelowMinimum)
        #expect(F.assess(try F.entry(), F.context(equity: "0")).decision.rejection == .insufficientEquity)
    }

    @Test func volatilityScalesTheFractionWithinBounds() throws {
        func quantity(atr: Double) throws -> (Quantity?, RuleVerdict.Outcome?) {
            let market = [F.btc: MarketState(atrFraction: atr)]
            var settings = RiskSettings()
            settings.disabledRules = [.dynamicLeverage]
            let assessment = F.assess(try F.entry(), F.context(market: market), settings: settings)
            return (assessment.decision.approval?.quantity, F.verdict(assessment, .volatilitySizing)?.outcome)
        }
        // Target 1 %: at 1 % ATR unscaled, at 2 % halved, at 0.5 % doubled but capped at 1.5×.
        #expect(try quantity(atr: 0.01) == (F.qty("0.1"), .pass))
        #expect(try quantity(atr: 0.02) == (F.qty("0.05"), .resize))
        #expect(try quantity(atr: 0.005) == (F.qty("0.15"), .resize))
        // Far calmer or wilder still: the bounds hold (×0.5 … ×1.5).
        #expect(try quantity(atr: 0.001).0 == F.qty("0.15"))
        #expect(try quantity(atr: 0.1).0 == F.qty("0.05"))
        // From the intent's own atr_percent when the market has none.
        let assessment = F.assess(try F.entry(indicators: ["atr_percent": 2]), settings: { var s = RiskSettings(); s.disabledRules = [.dynamicLeverage]; return s }())
        #expect(assessment.decision.approval?.quantity == F.qty("0.05"))
    }

    @Test func performanceMovesTheFractionTowardHalfKellyWithinBounds() throws {
        func assess(_ trades: [ClosedTrade]) throws -> RiskAssessment {
            F.assess(try F.entry(), F.context(account: AccountState(closedTrades: trades)))
        }
        // 6 wins of 200, 4 losses of 100: W 0.6, R 2 → Kelly 0.4, half 20 %: capped at 1.5 × 1 %.
        let good = try assess(F.trades(wins: 6, win: "200", losses: 4, loss: "100"))
        #expect(good.decision.approval?.quantity == F.qty("0.15"))
        #expect(F.verdict(good, .performanceSizing)?.outcome == .resize)
        // 3 wins, 7 losses of equal size: Kelly negative → the lower bound, 0.5 × 1 %.
        let bad = try assess(F.trades(wins: 3, win: "100", losses: 7, loss: "100"))
        #expect(bad.decision.approval?.quantity == F.qty("0.05"))
        // Half-Kelly inside the bounds: W 0.5, R 1.04 → Kelly 0.0192…, half 0.96 % → ×0.96.
        let middling = try assess(F.trades(wins: 5, win: "104", losses: 5, loss: "100"))
        #expect(middling.decision.approval?.quantity == F.qty("0.096"))
        // 9 trades (10 needed): unscaled.
        let few = try assess(F.trades(wins: 5, win: "200", losses: 4, loss: "100"))
        #expect(few.decision.approval?.quantity == F.qty("0.1") && F.verdict(few, .performanceSizing)?.outcome == .pass)
    }
}

@Suite("Risk engine: leverage")
struct RiskLeverageTests {
    typealias F = Fixture

    @Test func theLowestOfGlobalSymbolAndInstrumentCaps() throws {
        var settings = RiskSettings()
        settings.leverage.perSymbol = ["BTCUSDT": FixedPoint(integer: 3)]
        #expect(F.assess(try F.entry(), settings: settings).decision.approval?.leverage == FixedPoint(integer: 3))
        #expect(F.assess(try F.entry(symbol: F.eth, price: "3000", stop: "2900"), settings: settings).decision.approval?.leverage == FixedPoint(integer: 5))
        let low = InstrumentLimits(qtyStep: F.qty("0.001"), minOrderQty: F.qty("0.001"), minNotional: F.money("5"), maxLeverage: FixedPoint(integer: 2))
        #expect(F.assess(try F.entry(), F.context(limits: low), settings: settings).decision.approval?.leverage == FixedPoint(integer: 2))
    }

    @Test func dynamicLeverageFallsInVolatileMarkets() throws {
        func leverage(atr: Double) throws -> FixedPoint? {
            var settings = RiskSettings()
            settings.disabledRules = [.volatilitySizing]
            return F.assess(try F.entry(), F.context(market: [F.btc: MarketState(atrFraction: atr)]), settings: settings).decision.approval?.leverage
        }
        // Budget 5 %: ATR 2 % → 2.5 → 2; ATR 1 % → 5 (the cap); ATR 0.5 % → 10, capped at 5; ATR 10 % → at least 1.
        #expect(try leverage(atr: 0.02) == FixedPoint(integer: 2))
        #expect(try leverage(atr: 0.01) == FixedPoint(integer: 5))
        #expect(try leverage(atr: 0.0101) == FixedPoint(integer: 4))
        #expect(try leverage(atr: 0.005) == FixedPoint(integer: 5))
        #expect(try leverage(atr: 0.1) == FixedPoint(integer: 1))
    }

    @Test func marginCapsATightStop() throws {
        // A 10 USDT stop would size 10 BTC (600,000 notional); equity × 5 = 50,000 allows 0.833 BTC,
        // but one symbol may hold at most 1 × equity: 0.166 BTC.
        var settings = RiskSettings()
        settings.disabledRules = [.stopDistance, .maxSymbolNotional, .maxTotalNotional, .correlatedExposure]
        let assessment = F.assess(try F.entry(stop: "59990"), settings: settings)
        let approval = try #require(assessment.decision.approval)
        #expect(approval.quantity == F.qty("0.833"))
        #expect(F.verdict(assessment, .margin)?.outcome == .resize && approval.notes.count == 1)
        settings.disabledRules = [.stopDistance, .correlatedExposure]
        #expect(F.assess(try F.entry(stop: "59990"), settings: settings).decision.approval?.quantity == F.qty("0.166"))
        // The correlated-exposure cap counts the order itself: 1.5 × equity = 15,000 → 0.25 BTC.
        settings.disabledRules = [.stopDistance, .maxSymbolNotional, .maxTotalNotional]
        #expect(F.assess(try F.entry(stop: "59990"), settings: settings).decision.approval?.quantity == F.qty("0.25"))
    }

    @Test func theVenuesLargestOrderCapsTheSize() throws {
        let capped = InstrumentLimits(qtyStep: F.qty("0.001"), minOrderQty: F.qty("0.001"), minNotional: F.money("5"), maxLeverage: FixedPoint(integer: 100), maxOrderQty: F.qty("0.05"))
        let assessment = F.assess(try F.entry(), F.context(limits: capped))
        #expect(assessment.decision.approval?.quantity == F.qty("0.05"))
        #expect(F.verdict(assessment, .venueMaxOrder)?.outcome == .resize)
    }
}

@Suite("Risk engine: exposure")
struct RiskExposureTests {
    typealias F = Fixture

    @Test func onePositionPerSymbol() throws {
        let context = F.context(positions: [try F.position(F.btc)])
        #expect(F.assess(try F.entry(), context).decision.rejection == .positionExists)
        #expect(F.assess(try F.entry(symbol: F.eth, price: "3000", stop: "2900"), context).decision.approval != nil)
        var settings = RiskSettings()
        settings.disabledRules = [.onePositionPerSymbol]
        #expect(F.assess(try F.entry(), context, settings: settings).decision.approval != nil)
    }

    @Test func maxConcurrentPositionsJustUnderAndAt() throws {
        var settings = RiskSettings()
        settings.exposure.maxOpenPositions = 2
        let one = F.context(positions: [try F.position(F.eth, size: "0.01", price: "3000")])
        let two = F.context(positions: [try F.position(F.eth, size: "0.01", price: "3000"), try F.position(F.sol, size: "0.1", price: "100")])
        #expect(F.assess(try F.entry(), one, settings: settings).decision.approval != nil)
        #expect(F.assess(try F.entry(), two, settings: settings).decision.rejection == .maxOpenPositions)
    }

    @Test func maxTotalNotionalResizesThenRefuses() throws {
        // 3 × 10,000 = 30,000. 24,000 open leaves exactly 6,000: the 0.1 BTC order fits.
        let fits = F.context(positions: [try F.position(F.eth, size: "8", price: "3000")])
        let fitted = F.assess(try F.entry(), fits)
        #expect(fitted.decision.approval?.quantity == F.qty("0.1") && F.verdict(fitted, .maxTotalNotional)?.outcome == .pass)
        // 24,060 open leaves 5,940: 0.099 BTC.
        let over = F.context(positions: [try F.position(F.eth, size: "8.02", price: "3000")])
        let resized = F.assess(try F.entry(), over)
        #expect(resized.decision.approval?.quantity == F.qty("0.099") && F.verdict(resized, .maxTotalNotional)?.outcome == .resize)
        // 30,000 open: no room, refused with that reason.
        let full = F.context(positions: [try F.position(F.eth, size: "10", price: "3000")])
        #expect(F.assess(try F.entry(), full).decision.rejection == .maxTotalNotional)
    }

    @Test func maxNotionalPerSymbol() throws {
        var settings = RiskSettings()
        settings.exposure.maxSymbolNotional = F.fp("0.6")
        // 0.6 × 10,000 = 6,000 = exactly 0.1 BTC.
        #expect(F.assess(try F.entry(), settings: settings).decision.approval?.quantity == F.qty("0.1"))
        settings.exposure.maxSymbolNotional = F.fp("0.5999")
        let assessment = F.assess(try F.entry(), settings: settings)
        #expect(assessment.decision.approval?.quantity == F.qty("0.099") && F.verdict(assessment, .maxSymbolNotional)?.outcome == .resize)
    }

    @Test func correlatedPositionsShareOneCap() throws {
        let base: [Double] = (0..<60).map { sin(Double($0) * 0.7) * 0.01 }
        let twin = base.map { $0 * 1.5 + 0.0001 }
        let opposite = base.map { -$0 }
        // ETH moves with BTC and holds 14,000: the cluster cap is 1.5 × 10,000 = 15,000, room 1,000.
        let eth = try F.position(F.eth, size: "4.666666", price: "3000")
        let correlated = F.context(positions: [eth], market: [F.btc: MarketState(returns: base), F.eth: MarketState(returns: twin)])
        let capped = F.assess(try F.entry(), correlated)
        #expect(capped.decision.approval?.quantity == F.qty("0.016"))
        #expect(F.verdict(capped, .correlatedExposure)?.outcome == .resize)
        // Holding 15,000: refused.
        let full = F.context(positions: [try F.position(F.eth, size: "5", price: "3000")], market: [F.btc: MarketState(returns: base), F.eth: MarketState(returns: twin)])
        #expect(F.assess(try F.entry(), full).decision.rejection == .correlatedExposure)
        // Moving against BTC: not in the cluster.
        let hedged = F.context(positions: [eth], market: [F.btc: MarketState(returns: base), F.eth: MarketState(returns: opposite)])
        #expect(F.assess(try F.entry(), hedged).decision.approval?.quantity == F.qty("0.1"))
        // Too few samples: not counted.
        let short = F.context(positions: [eth], market: [F.btc: MarketState(returns: Array(base.suffix(10))), F.eth: MarketState(returns: Array(twin.suffix(10)))])
        #expect(F.assess(try F.entry(), short).decision.approval?.quantity == F.qty("0.1"))
    }
}

@Suite("Risk engine: loss limits")
struct RiskLossLimitTests {
    typealias F = Fixture

    @Test func dailyLossLimitJustUnderAndAt() throws {
        // 3 % of the day's 10,000 is 300.
        let under = F.context(equity: "9700.01", account: AccountState(dayStartEquity: F.money("10000")))
        #expect(F.assess(try F.entry(), under).decision.approval != nil)
        let at = F.context(equity: "9700", account: AccountState(dayStartEquity: F.money("10000")))
        #expect(F.assess(try F.entry(), at).decision.rejection == .dailyLossLimit)
        // Near (80 % of the limit): approved with a warning.
        let near = F.assess(try F.entry(), F.context(equity: "9750", account: AccountState(dayStartEquity: F.money("10000"))))
        #expect(near.decision.approval != nil && near.warnings.contains { $0.rule == .dailyLoss })
    }

    @Test func drawdownTripsTheBreakerWhichStaysLatched() throws {
        // 15 % of the 10,000 peak is 1,500.
        let under = F.assess(try F.entry(), F.context(equity: "8500.01", account: AccountState(equityPeak: F.money("10000"))))
        #expect(under.decision.approval != nil && under.trippedBreaker == nil)
        let at = F.assess(try F.entry(), F.context(equity: "8500", account: AccountState(equityPeak: F.money("10000"))))
        #expect(at.decision.rejection == .drawdownBreaker && at.trippedBreaker != nil)
        // Latched: even at a new high, entries stop until the reset.
        let latched = F.assess(try F.entry(), F.context(equity: "20000", account: AccountState(breakerTripped: true, equityPeak: F.money("10000"))))
        #expect(latched.decision.rejection == .drawdownBreaker)
        // Exits still pass.
        let exit = F.assess(try F.exit(.buy), F.context(positions: [try F.position(F.btc)], account: AccountState(breakerTripped: true)))
        #expect(exit.decision.approval?.reduceOnly == true)
    }

    @Test func cooldownAfterConsecutiveLosses() throws {
        let hour: Int64 = 3_600_000
        func losses(_ count: Int, lastAgo: Int64) -> [ClosedTrade] {
            (0..<count).map { index in
                ClosedTrade(symbol: F.sol, pnl: F.money("-10"),
                            closedAt: Timestamp(milliseconds: F.close.milliseconds - lastAgo - Int64(count - 1 - index) * 1000), stoppedOut: false)
            }
        }
        #expect(F.assess(try F.entry(), F.context(account: AccountState(closedTrades: losses(2, lastAgo: hour)))).decision.approval != nil)
        #expect(F.assess(try F.entry(), F.context(account: AccountState(closedTrades: losses(3, lastAgo: hour)))).decision.rejection == .lossStreakCooldown)
        // The 4-hour cooldown ends exactly 4 hours after the last loss.
        #expect(F.assess(try F.entry(), F.context(account: AccountState(closedTrades: losses(3, lastAgo: 4 * hour - 1)))).decision.rejection == .lossStreakCooldown)
        #expect(F.assess(try F.entry(), F.context(account: AccountState(closedTrades: losses(3, lastAgo: 4 * hour)))).decision.approval != nil)
        // A win ends the streak.
        let broken = losses(3, lastAgo: hour) + [ClosedTrade(symbol: F.sol, pnl: F.money("5"), closedAt: F.close, stoppedOut: false)]
        #expect(F.assess(try F.entry(), F.context(account: AccountState(closedTrades: broken))).decision.approval != nil)
    }

    @Test func cooldownAfterAStopOutOnTheSameSymbol() throws {
        func stopped(_ symbol: Symbol, ago: Int64) -> AccountState {
            AccountState(closedTrades: [ClosedTrade(symbol: symbol, pnl: F.money("-10"), closedAt: Timestamp(milliseconds: F.close.milliseconds - ago), stoppedOut: true)])
        }
        #expect(F.assess(try F.entry(), F.context(account: stopped(F.btc, ago: 3_599_999))).decision.rejection == .stopOutCooldown)
        #expect(F.assess(try F.entry(), F.context(account: stopped(F.btc, ago: 3_600_000))).decision.approval != nil)
        #expect(F.assess(try F.entry(), F.context(account: stopped(F.eth, ago: 1000))).decision.approval != nil)

        // Paper trading against a replayed market (no clock checks): the cooldown runs on the
        // market's clock, from the intent's creation, whatever the service's clock says.
        let monthsLater = Timestamp(milliseconds: F.close.milliseconds + 300 * 86_400_000)
        var replay = RiskSettings()
        replay.sanity.clockChecks = false
        let replayed = F.assess(try F.entry(), F.context(account: stopped(F.btc, ago: 1000), now: monthsLater), settings: replay)
        #expect(replayed.decision.rejection == .stopOutCooldown)
        let live = F.assess(try F.entry(), F.context(account: stopped(F.btc, ago: 1000), now: monthsLater))
        #expect(F.verdict(live, .stopOutCooldown)?.outcome == .pass)
    }
}

@Suite("Risk engine: sanity")
struct RiskSanityTests {
    typealias F = Fixture

    @Test func stopDistanceBounds() throws {
        // 0.05 % of 60,000 = 30; 10 % = 6,000.
        var settings = RiskSettings()
        settings.disabledRules = [.maxSymbolNotional, .maxTotalNotional]
        #expect(F.assess(try F.entry(stop: "59970"), settings: settings).decision.approval != nil)
        #expect(F.assess(try F.entry(stop: "59971"), settings: settings).decision.rejection == .stopDistance)
        #expect(F.assess(try F.entry(stop: "54000"), settings: settings).decision.approval != nil)
        #expect(F.assess(try F.entry(stop: "53999"), settings: settings).decision.rejection == .stopDistance)
        // A short's stop above.
        #expect(F.assess(try F.entry(.sell, stop: "60030"), settings: settings).decision.approval != nil)
        #expect(F.assess(try F.entry(.sell, stop: "60029"), settings: settings).decision.rejection == .stopDistance)
    }

    @Test func staleIntentsAreRefused() throws {
        // 5 minutes after the candle's close at most.
        #expect(F.assess(try F.entry(), F.context(now: Timestamp(milliseconds: F.close.milliseconds + 300_000))).decision.approval != nil)
        #expect(F.assess(try F.entry(), F.context(now: Timestamp(milliseconds: F.close.milliseconds + 300_001))).decision.rejection == .stale)
        let expiring = try F.entry(expiresAt: Timestamp(milliseconds: F.close.milliseconds + 1000))
        #expect(F.assess(expiring, F.context(now: Timestamp(milliseconds: F.close.milliseconds + 999))).decision.approval != nil)
        #expect(F.assess(expiring, F.context(now: Timestamp(milliseconds: F.close.milliseconds + 1000))).decision.rejection == .expired)
        // Without clock checks (paper replays), only the intent's own age counts: made 5 minutes
        // after its candle at most.
        var settings = RiskSettings()
        settings.sanity.clockChecks = false
        let late = Timestamp(milliseconds: F.close.milliseconds + 86_400_000)
        #expect(F.assess(try F.entry(), F.context(now: late), settings: settings).decision.approval != nil)
        let made = { (after: Int64) in
            try Intent(
                id: "late-\(after)", strategy: "test", symbol: F.btc, side: .buy, kind: .entry, referencePrice: F.price("60000"),
                stopLoss: F.price("59000"), takeProfits: [], timeframe: .m15, candleTime: F.candle,
                createdAt: Timestamp(milliseconds: F.close.milliseconds + after))
        }
        #expect(F.assess(try made(300_000), F.context(now: late), settings: settings).decision.approval != nil)
        #expect(F.assess(try made(300_001), F.context(now: late), settings: settings).decision.rejection == .stale)
    }

    @Test func priceNearTheMark() throws {
        // 2 % of a 60,000 mark is 1,200.
        let market = [F.btc: MarketState(mark: F.price("60000"), markTime: F.close)]
        #expect(F.assess(try F.entry(price: "61200", stop: "60200"), F.context(market: market)).decision.approval != nil)
        #expect(F.assess(try F.entry(price: "61201", stop: "60200"), F.context(market: market)).decision.rejection == .priceFarFromMark)
        #expect(F.assess(try F.entry(.sell, price: "58800", stop: "59800"), F.context(market: market)).decision.approval != nil)
        #expect(F.assess(try F.entry(.sell, price: "58799", stop: "59800"), F.context(market: market)).decision.rejection == .priceFarFromMark)
        // A mark older than a minute is no mark: passes unless one is required.
        let old = [F.btc: MarketState(mark: F.price("60000"), markTime: Timestamp(milliseconds: F.close.milliseconds - 60_001))]
        #expect(F.assess(try F.entry(price: "70000", stop: "69000"), F.context(market: old)).decision.approval != nil)
        var settings = RiskSettings()
        settings.sanity.requireMark = true
        #expect(F.assess(try F.entry(), F.context(market: old), settings: settings).decision.rejection == .noMarkPrice)
    }

    @Test func duplicateIdsAreRefused() throws {
        let intent = try F.entry()
        #expect(F.assess(intent, F.context(account: AccountState(decidedIntentIDs: [intent.id]))).decision.rejection == .duplicate)
        #expect(F.assess(intent, F.context(account: AccountState(decidedIntentIDs: ["other"]))).decision.approval != nil)
    }

    @Test func unknownAndDisallowedSymbols() throws {
        #expect(F.assess(try F.entry(), F.context(limits: nil)).decision.rejection == .unknownSymbol)
        var settings = RiskSettings()
        settings.symbols = ["ETHUSDT"]
        #expect(F.assess(try F.entry(), settings: settings).decision.rejection == .symbolNotAllowed)
    }

    @Test func pausedStopsEntriesButNotExits() throws {
        let paused = AccountState(paused: true)
        #expect(F.assess(try F.entry(), F.context(account: paused)).decision.rejection == .paused)
        let context = F.context(positions: [try F.position(F.btc, size: "0.25")], account: paused)
        let approval = try #require(F.assess(try F.exit(.buy), context).decision.approval)
        #expect(approval.reduceOnly && approval.quantity == F.qty("0.25") && approval.riskAmount == .zero)
        #expect(F.assess(try F.exit(.sell), context).decision.rejection == .noPosition)
    }

    @Test func everyEnabledRuleLeavesAVerdictAndEveryReasonIsListed() throws {
        let approved = F.assess(try F.entry())
        let rules = Set(approved.verdicts.map(\.rule))
        #expect(rules == Set(RiskRule.allCases).subtracting([.exitPosition]))
        var settings = RiskSettings()
        settings.disabledRules = [.correlatedExposure, .priceVsMark]
        let fewer = Set(F.assess(try F.entry(), settings: settings).verdicts.map(\.rule))
        #expect(!fewer.contains(.correlatedExposure) && !fewer.contains(.priceVsMark))
        // Paused, stale and a position open: all three reasons, the pause first.
        let many = F.assess(try F.entry(), F.context(
            positions: [try F.position(F.btc)], account: AccountState(paused: true),
            now: Timestamp(milliseconds: F.close.milliseconds + 3_600_000)))
        #expect(many.decision.rejection == .paused)
        #expect(many.rejectionReasons == [.paused, .stale, .positionExists])
    }
}

@Suite("Risk settings")
struct RiskSettingsTests {
    func read(_ yaml: String) throws -> RiskSettings {
        try KeelConfig(reading: ConfigReader(ConfigSource.parse(yaml: yaml, environment: [:]))).risk
    }

    @Test func defaultsAreValidAndEveryFieldReads() throws {
        try RiskSettings().validate()
        let settings = try read("""
            risk:
              disabled_rules: [correlated_exposure]
              sizing: {risk_fraction: 0.005, volatility: {target_atr_fraction: 0.02}}
              leverage: {max: 3, per_symbol: {BTCUSDT: 10}}
              losses: {daily_loss_fraction: 0.02}
              operators: ["telegram:@alice"]
            """)
        #expect(settings.sizing.riskFraction == (try FixedPoint(parsing: "0.005")))
        #expect(settings.leverage.perSymbol == ["BTCUSDT": FixedPoint(integer: 10)])
        #expect(!settings.isEnabled(.correlatedExposure) && settings.isOperator("telegram:@alice") && !settings.isOperator("telegram:@bob"))
    }

    @Test func errorsNameTheField() throws {
        func field(_ yaml: String) -> String? {
            do { _ = try read(yaml); return nil } catch let error as ConfigError { return error.field } catch { return "\(error)" }
        }
        #expect(field("risk: {sizing: {risk_fraction: 0}}") == "risk.sizing.risk_fraction")
        #expect(field("risk: {sizing: {risk_fraction: abc}}") == "risk.sizing.risk_fraction")
        #expect(field("risk: {disabled_rules: [stop_loss]}") == "risk.disabled_rules")
        #expect(field("risk: {disabled_rules: [nonsense]}") == "risk.disabled_rules")
        #expect(field("risk: {leverage: {max: 0.5}}") == "risk.leverage.max")
        #expect(field("risk: {exposure: {max_symbol_notional: 5, max_total_notional: 2}}") == "risk.exposure.max_symbol_notional")
        #expect(field("risk: {sanity: {min_stop_fraction: 0.2, max_stop_fraction: 0.1}}") == "risk.sanity.min_stop_fraction")
        #expect(field("risk: {losses: {dailyloss: 1}}") == "risk.losses.dailyloss")
    }
}

@Suite("Portfolio tracker")
struct PortfolioTrackerTests {
    typealias F = Fixture

    @Test func newerSnapshotsWinAndFlatPositionsLeave() throws {
        var tracker = PortfolioTracker()
        #expect(tracker.portfolio == nil)
        let newer = tracker.apply(equity: F.money("1000"), at: Timestamp(milliseconds: 2))
        let older = tracker.apply(equity: F.money("5"), at: Timestamp(milliseconds: 1))
        #expect(newer && !older)
        #expect(tracker.apply(try F.position(F.btc, size: "0.1"), sequence: 2))
        #expect(!tracker.apply(try F.position(F.btc, size: "0.5"), sequence: 1))
        #expect(tracker.portfolio?.positions[F.btc]?.size == F.qty("0.1"))
        #expect(tracker.apply(try Position.flat(symbol: F.btc, leverage: FixedPoint(integer: 5)), sequence: 3))
        #expect(tracker.portfolio?.positions.isEmpty == true)
    }

    @Test func peakAndTheUTCDaysOpeningEquity() throws {
        var tracker = PortfolioTracker()
        let day: Int64 = 86_400_000
        tracker.apply(equity: F.money("1000"), at: Timestamp(milliseconds: 20_000 * day + 5))
        tracker.apply(equity: F.money("1200"), at: Timestamp(milliseconds: 20_000 * day + 10))
        tracker.apply(equity: F.money("900"), at: Timestamp(milliseconds: 20_000 * day + 20))
        #expect(tracker.account.equityPeak == F.money("1200") && tracker.account.dayStartEquity == F.money("1000"))
        tracker.apply(equity: F.money("950"), at: Timestamp(milliseconds: 20_001 * day))
        #expect(tracker.account.dayStartEquity == F.money("950"))
        tracker.tripBreaker()
        #expect(tracker.account.breakerTripped)
        tracker.resetBreaker()
        #expect(!tracker.account.breakerTripped && tracker.account.equityPeak == F.money("950"))
    }

    @Test func candlesGiveReturnsAndVolatility() throws {
        var tracker = PortfolioTracker(returnsKept: 3)
        for (index, close) in ["100", "101", "99", "102", "103"].enumerated() {
            tracker.applyCandle(symbol: F.btc, openTime: Timestamp(milliseconds: Int64(index) * 60_000), high: F.price("104"), low: F.price("98"), close: F.price(close))
        }
        // A repeated candle changes nothing.
        tracker.applyCandle(symbol: F.btc, openTime: Timestamp(milliseconds: 4 * 60_000), high: F.price("200"), low: F.price("1"), close: F.price("150"))
        let state = try #require(tracker.market[F.btc])
        #expect(state.returns.count == 4 && abs(state.returns[3] - (103.0 / 102.0 - 1)) < 1e-12)
        #expect((state.atrFraction ?? 0) > 0.05)
        // At least the last three returns are kept, and fewer than six.
        for (index, close) in ["104", "105", "106", "107", "108", "109"].enumerated() {
            tracker.applyCandle(symbol: F.btc, openTime: Timestamp(milliseconds: Int64(index + 5) * 60_000), high: F.price("110"), low: F.price("98"), close: F.price(close))
            let returns = try #require(tracker.market[F.btc]).returns
            #expect((3..<6).contains(returns.count))
            #expect(abs(returns.last! - (Double(close)! / Double(103 + index) - 1)) < 1e-12)
        }
    }
}
