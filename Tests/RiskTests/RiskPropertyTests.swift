import Config
import Core
import Risk
import Testing

extension SplitMix64 {
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }
}

/// Random portfolios, markets, account states, settings and intents: whatever the engine
/// approves must sit inside every enabled limit, recomputed here independently.
@Suite("Risk engine: no approved order breaks an enabled limit")
struct RiskPropertyTests {
    static let symbols = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT", "DOGEUSDT", "ADAUSDT", "LINKUSDT", "AVAXUSDT", "DOTUSDT", "LTCUSDT"]
        .map { try! Symbol($0) }

    func fp(_ units: Int64, _ scale: UInt8) -> FixedPoint { try! FixedPoint(units: units, scale: scale) }

    @Test func thousandsOfRandomCases() throws {
        var random = SplitMix64(seed: 20_261_206)
        var approvedEntries = 0
        var approvedExits = 0
        var rejections: [RiskRejectionReason: Int] = [:]
        var screenedOut = 0, screenedOn = 0
        for _ in 0..<5000 {
            var settings = RiskSettings()
            settings.sizing.riskFraction = fp(Int64(random.int(1...30)), 3)
            settings.leverage.max = FixedPoint(integer: Int64(random.int(1...20)))
            if random.chance(30) { settings.leverage.perSymbol = ["BTCUSDT": FixedPoint(integer: Int64(random.int(1...10)))] }
            settings.exposure.maxOpenPositions = random.int(1...8)
            settings.exposure.maxTotalNotional = fp(Int64(random.int(5...60)), 1)
            settings.exposure.maxSymbolNotional = fp(Int64(random.int(1...50)), 1)
            settings.exposure.maxClusterNotional = fp(Int64(random.int(2...40)), 1)
            let optional: [RiskRule] = [.volatilitySizing, .performanceSizing, .dynamicLeverage, .correlatedExposure, .priceVsMark, .staleness]
            settings.disabledRules = Set(optional.filter { _ in random.chance(20) })

            let now = Timestamp(milliseconds: 1_767_225_600_000 + Int64(random.int(0...1_000_000)))
            let step = [fp(1, 3), fp(1, 2), fp(1, 0), fp(1, 1)][random.int(0...3)]
            let limits = InstrumentLimits(
                qtyStep: Quantity(step), minOrderQty: Quantity(step), minNotional: Money(FixedPoint(integer: Int64(random.int(1...20)))),
                maxLeverage: FixedPoint(integer: Int64(random.int(1...100))),
                maxOrderQty: random.chance(30) ? Quantity(try step.multiplied(by: FixedPoint(integer: Int64(random.int(1...500))))) : nil)

            var market: [Symbol: MarketState] = [:]
            let common = (0..<60).map { _ in random.unit() - 0.5 }
            for symbol in Self.symbols {
                let own = (0..<60).map { _ in random.unit() - 0.5 }
                let mix = random.unit()
                market[symbol] = MarketState(
                    mark: random.chance(70) ? Price(FixedPoint(integer: Int64(random.int(50...150)))) : nil,
                    markTime: Timestamp(milliseconds: now.milliseconds - Int64(random.int(0...90_000))),
                    atrFraction: random.chance(70) ? 0.001 + random.unit() * 0.05 : nil,
                    returns: zip(common, own).map { mix * $0 + (1 - mix) * $1 })
            }
            var positions: [Position] = []
            for symbol in Self.symbols where random.chance(25) {
                positions.append(try Position(
                    symbol: symbol, side: random.chance(50) ? .buy : .sell, size: Quantity(FixedPoint(integer: Int64(random.int(1...200)))),
                    averageEntryPrice: Price(FixedPoint(integer: Int64(random.int(50...150)))), realisedPnL: .zero,
                    leverage: FixedPoint(integer: 3)))
            }
            let equity = Money(FixedPoint(integer: Int64(random.int(0...50_000))))
            var trades: [ClosedTrade] = []
            for index in 0..<random.int(0...15) {
                trades.append(ClosedTrade(
                    symbol: Self.symbols[random.int(0...9)], pnl: Money(FixedPoint(integer: Int64(random.int(-300...300)))),
                    closedAt: Timestamp(milliseconds: now.milliseconds - Int64(random.int(0...20_000_000)) + Int64(index)),
                    stoppedOut: random.chance(30)))
            }
            trades.sort { $0.closedAt < $1.closedAt }
            let account = AccountState(
                paused: random.chance(10), breakerTripped: random.chance(10),
                // Around the equity, so both sides of the loss limits come up.
                equityPeak: random.chance(70) ? Money(try equity.value.adding(FixedPoint(integer: Int64(random.int(0...(Int(equity.value.units) / 4 + 1)))))) : nil,
                dayStartEquity: random.chance(70) ? Money(try equity.value.adding(FixedPoint(integer: Int64(random.int(-500...(Int(equity.value.units) / 20 + 1)))))) : nil,
                closedTrades: trades, decidedIntentIDs: [])
            let context = RiskContext(
                portfolio: Portfolio(equity: equity, positions: positions), limits: random.chance(97) ? limits : nil,
                market: market, account: account, now: now)

            let symbol = Self.symbols[random.int(0...9)]
            let side: Side = random.chance(50) ? .buy : .sell
            let price = FixedPoint(integer: Int64(random.int(50...150)))
            let candle = Timestamp(milliseconds: now.milliseconds - 900_000 - Int64(random.int(0...360_000)))
            let intent: Intent
            if random.chance(80) {
                let distance = fp(Int64(random.int(1...1200)), 2)
                let stop = side == .buy ? try price.subtracting(distance) : try price.adding(distance)
                guard stop.isPositive else { continue }
                intent = try Intent(
                    id: "p\(random.next())", strategy: "prop", symbol: symbol, side: side, kind: .entry, referencePrice: Price(price),
                    stopLoss: Price(stop), takeProfits: [], timeframe: .m15, candleTime: candle,
                    createdAt: Timestamp(milliseconds: candle.milliseconds + 900_000))
            } else {
                intent = try Intent(
                    id: "p\(random.next())", strategy: "prop", symbol: symbol, side: side, kind: .exit, referencePrice: Price(price),
                    stopLoss: nil, takeProfits: [], timeframe: .m15, candleTime: candle, createdAt: candle)
            }

            let assessment = RiskEngine(settings: settings).assess(intent, context: context)
            // Without explanations (a backtest) the decision and the breaker are the same.
            let unexplained = RiskEngine(settings: settings, explains: false).assess(intent, context: context)
            let sized = { (approval: RiskApproval?) in approval.map { [$0.quantity.value, $0.leverage, $0.riskAmount.value, $0.notional.value] } }
            #expect(sized(unexplained.decision.approval) == sized(assessment.decision.approval))
            #expect(unexplained.decision.rejection == assessment.decision.rejection)
            #expect(unexplained.trippedBreaker.map { _ in true } == assessment.trippedBreaker.map { _ in true })
            // Screening reads no market statistics: with them erased, when it decides, it decides
            // as the full assessment does; it leaves to sizing only entries, and everything when
            // explaining (a refused entry's sizing verdicts are explained too).
            var withoutStatistics = context
            withoutStatistics.market = context.market.mapValues { MarketState(mark: $0.mark, markTime: $0.markTime) }
            if let screened = RiskEngine(settings: settings, explains: false).screen(intent, context: withoutStatistics) {
                screenedOut += 1
                #expect(sized(screened.decision.approval) == sized(unexplained.decision.approval))
                #expect(screened.decision.rejection == unexplained.decision.rejection)
                #expect(screened.trippedBreaker.map { _ in true } == unexplained.trippedBreaker.map { _ in true })
            } else {
                screenedOn += 1
                #expect(intent.kind == .entry)
            }
            #expect(RiskEngine(settings: settings).screen(intent, context: context) == nil || intent.kind == .exit)
            switch assessment.decision {
            case .rejected(let reason, _):
                rejections[reason, default: 0] += 1
                #expect(assessment.verdicts.contains { $0.outcome == .reject })
            case .approved(let approval):
                #expect(!assessment.verdicts.contains { $0.outcome == .reject })
                if intent.kind == .exit {
                    approvedExits += 1
                    let open = try #require(context.portfolio.positions[symbol])
                    #expect(approval.reduceOnly && approval.quantity == open.size && open.side == intent.side)
                } else {
                    approvedEntries += 1
                    try check(approval, intent: intent, context: context, settings: settings, limits: limits)
                }
            }
        }
        // The generator must reach both outcomes often, or the property says little.
        #expect(approvedEntries > 300 && approvedExits > 50, "approved \(approvedEntries) entries, \(approvedExits) exits; rejected \(rejections)")
        #expect(rejections.count >= 12)
        #expect(screenedOut > 300 && screenedOn > 300, "screening decided \(screenedOut), left \(screenedOn) to sizing")
    }

    /// Every enabled limit, recomputed independently of the engine.
    func check(_ approval: RiskApproval, intent: Intent, context: RiskContext, settings: RiskSettings, limits: InstrumentLimits) throws {
        let account = context.account
        let equity = context.portfolio.equity.value
        let positions = context.portfolio.positions
        let entry = intent.entryPrice.value
        let quantity = approval.quantity.value
        let notional = try entry.multiplied(by: quantity)
        let stop = try #require(intent.stopLoss).value
        let distance = entry > stop ? try entry.subtracting(stop) : try stop.subtracting(entry)
        #expect(!account.paused && !account.breakerTripped && !approval.reduceOnly)
        #expect(positions[intent.symbol] == nil && positions.count < settings.exposure.maxOpenPositions)
        // Size on the step, at least the minimum, at most the venue's largest.
        #expect(approval.quantity.isMultiple(ofStep: limits.qtyStep) && approval.quantity >= limits.minOrderQty)
        #expect(approval.notional.value == notional && approval.notional >= limits.minNotional)
        if let largest = limits.maxOrderQty { #expect(approval.quantity <= largest) }
        // Risk: the stop loses at most the fraction at its largest scaling.
        #expect(approval.riskAmount.value == (try distance.multiplied(by: quantity)))
        let ceiling = try equity.multiplied(by: settings.sizing.riskFraction).multiplied(by: settings.sizing.volatilityMaxScale)
            .multiplied(by: settings.sizing.performanceMaxScale)
        #expect(approval.riskAmount.value <= ceiling)
        // Leverage and margin.
        var cap = min(settings.leverage.max, limits.maxLeverage)
        if let symbolCap = settings.leverage.perSymbol[intent.symbol.rawValue] { cap = min(cap, symbolCap) }
        #expect(approval.leverage <= cap && approval.leverage >= FixedPoint(integer: 1))
        #expect(notional <= (try equity.multiplied(by: approval.leverage)))
        // Exposure.
        func markOrEntry(_ position: Position) -> FixedPoint {
            if let state = context.market[position.symbol], let mark = state.mark, let time = state.markTime,
               context.now.milliseconds - time.milliseconds <= settings.sanity.maxMarkAgeMs { return mark.value }
            return position.averageEntryPrice.value
        }
        var open = FixedPoint.zero
        var cluster = FixedPoint.zero
        for position in positions.values {
            let value = try markOrEntry(position).multiplied(by: position.size.value)
            open = try open.adding(value)
            if let rho = Correlation.pearson(
                context.market[intent.symbol]?.returns ?? [], context.market[position.symbol]?.returns ?? [],
                window: settings.exposure.correlationWindow, minSamples: settings.exposure.correlationMinSamples),
               rho >= Double(settings.exposure.correlationThreshold.units) / 10 {
                cluster = try cluster.adding(value)
            }
        }
        #expect(try open.adding(notional) <= (try settings.exposure.maxTotalNotional.multiplied(by: equity)))
        #expect(notional <= (try settings.exposure.maxSymbolNotional.multiplied(by: equity)))
        if settings.isEnabled(.correlatedExposure) {
            #expect(try cluster.adding(notional) <= (try settings.exposure.maxClusterNotional.multiplied(by: equity)))
        }
        // Loss limits.
        if let start = account.dayStartEquity, start.isPositive {
            #expect(try start.value.subtracting(equity) < (try settings.losses.dailyLossFraction.multiplied(by: start.value)))
        }
        if let peak = account.equityPeak, peak.isPositive {
            #expect(try peak.value.subtracting(equity) < (try settings.losses.maxDrawdownFraction.multiplied(by: peak.value)))
        }
        let streak = account.closedTrades.reversed().prefix { $0.pnl.isNegative }
        if streak.count >= settings.losses.consecutiveLosses, let last = streak.first {
            #expect(context.now.milliseconds - last.closedAt.milliseconds >= settings.losses.lossCooldownMs)
        }
        if let stopped = account.closedTrades.last(where: { $0.symbol == intent.symbol && $0.stoppedOut }) {
            #expect(context.now.milliseconds - stopped.closedAt.milliseconds >= settings.losses.stopOutCooldownMs)
        }
        // Sanity.
        #expect(distance >= (try settings.sanity.minStopFraction.multiplied(by: entry)))
        #expect(distance <= (try settings.sanity.maxStopFraction.multiplied(by: entry)))
        if settings.isEnabled(.staleness) {
            #expect(context.now.milliseconds - intent.candleTime.milliseconds - intent.timeframe.milliseconds <= settings.sanity.maxIntentAgeMs)
        }
        if settings.isEnabled(.priceVsMark), let state = context.market[intent.symbol], let mark = state.mark, let time = state.markTime,
           context.now.milliseconds - time.milliseconds <= settings.sanity.maxMarkAgeMs {
            let gap = entry > mark.value ? try entry.subtracting(mark.value) : try mark.value.subtracting(entry)
            #expect(gap <= (try settings.sanity.maxMarkDeviation.multiplied(by: mark.value)))
        }
    }
}
