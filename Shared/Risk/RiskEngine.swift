import Config
import Core

/// Decides what becomes of an intent: a pure function of the intent, the portfolio, the market,
/// the account's loss state and the time, with no I/O, so the service, backtests, the bench and
/// the tests share it.
///
/// An entry goes through every enabled rule in a fixed order — sanity, loss limits, exposure,
/// sizing (fixed fraction, volatility, performance), leverage, the exposure caps on the sized
/// order, the venue's limits — and each rule leaves a verdict (pass, resize, reject, or skipped
/// when an earlier finding made it meaningless). Rules keep being applied after a rejection so
/// the record shows every reason. An exit (reduce-only) passes whatever the pause and the loss
/// limits say: it only needs an open position to close.
public struct RiskEngine: Sendable {
    public let settings: RiskSettings
    /// Whether verdicts carry their explanation. A backtest deciding millions of intents turns
    /// it off: the decisions are the same, only the `detail` texts are empty, and a refused
    /// entry's sizing rules are not worked through.
    public let explains: Bool
    /// `settings.disabledRules` as a short list (usually empty): each decision asks about a
    /// dozen rules, and asking the settings' set hashed the rule and copied the settings first.
    private let disabledRules: [RiskRule]

    public init(settings: RiskSettings = RiskSettings(), explains: Bool = true) {
        self.settings = settings
        self.explains = explains
        disabledRules = settings.disabledRules.sorted()
    }

    /// The decision with every verdict behind it. Never throws: numbers too large to compute
    /// exactly are a rejection (`invalid_intent`), never a crash.
    public func assess(_ intent: Intent, context: RiskContext) -> RiskAssessment {
        evaluate(intent, context: context, stopsBeforeSizing: false)!
    }

    /// `assess` up to sizing: its assessment when that needs no sizing (an exit, or, without
    /// explanations, an entry refused before sizing), nil when sizing is next. Sizing is the only
    /// part that reads the market's statistics (`MarketState.returns`, `atrFraction`), so a
    /// caller may bring those up to date only when this gives nil, then `assess`: a backtest
    /// whose risk refuses most intents saves that work for them.
    public func screen(_ intent: Intent, context: RiskContext) -> RiskAssessment? {
        evaluate(intent, context: context, stopsBeforeSizing: true)
    }

    private func evaluate(_ intent: Intent, context: RiskContext, stopsBeforeSizing: Bool) -> RiskAssessment? {
        var run = Evaluation(settings: settings, disabledRules: disabledRules, intent: intent, context: context, explains: explains)
        run.stopsBeforeSizing = stopsBeforeSizing
        do {
            switch intent.kind {
            case .entry: try run.entry()
            case .exit: try run.exit()
            }
        } catch {
            run.reject(.fixedFraction, .invalidIntent, "the intent's numbers cannot be computed exactly: \(error)")
        }
        return run.stoppedBeforeSizing ? nil : run.result()
    }

    /// Shorthand for callers with only a portfolio and limits (no market, default account state,
    /// the intent's own creation time as now).
    public func decide(_ intent: Intent, portfolio: Portfolio, limits: InstrumentLimits) throws -> RiskDecision {
        assess(intent, context: RiskContext(portfolio: portfolio, limits: limits, now: intent.createdAt)).decision
    }
}

/// The verdicts of one decision, in the order recorded.
private final class VerdictLog {
    /// Room for a verdict per rule (skips included) from the start: one allocation, not one per doubling.
    var verdicts: [RuleVerdict] = {
        var verdicts: [RuleVerdict] = []
        verdicts.reserveCapacity(RiskRule.allCases.count)
        return verdicts
    }()
}

/// One decision in progress: the verdicts so far and the order being sized.
private struct Evaluation {
    let settings: RiskSettings
    let disabledRules: [RiskRule]
    let intent: Intent
    let context: RiskContext
    let explains: Bool
    /// A reference, so recording a verdict does not modify `self`: the explanation is an
    /// autoclosure reading `self`, built only when `explains`.
    private let log = VerdictLog()
    var verdicts: [RuleVerdict] { log.verdicts }
    var approval: RiskApproval?
    var trippedBreaker: String?
    /// Set to stop where sizing would start (`RiskEngine.screen`); `stoppedBeforeSizing` then
    /// says it did.
    var stopsBeforeSizing = false
    private(set) var stoppedBeforeSizing = false
    var warnings: [RiskWarning] = []

    init(settings: RiskSettings, disabledRules: [RiskRule], intent: Intent, context: RiskContext, explains: Bool) {
        self.settings = settings
        self.disabledRules = disabledRules
        self.intent = intent
        self.context = context
        self.explains = explains
    }

    var equity: Money { context.portfolio.equity }
    // Inlined, as `mark` and `result` are: called from a mutating check, a method of this
    // kilobyte-sized struct copied all of it first.
    @inline(__always)
    var rejected: Bool { verdicts.contains { $0.outcome == .reject } }

    func enabled(_ rule: RiskRule) -> Bool { !disabledRules.contains(rule) }

    /// `part / whole` as a percentage (8 places, toward zero), for verdict text only: worked
    /// out when a text is made, not for every decision.
    static func percent(_ part: FixedPoint, of whole: FixedPoint) -> String {
        (try? part.divided(by: whole, scale: 8, rounding: .towardZero))?.percent ?? "?"
    }

    func pass(_ rule: RiskRule, _ detail: @autoclosure () -> String) {
        log.verdicts.append(RuleVerdict(rule: rule, outcome: .pass, detail: explains ? detail() : ""))
    }

    func resize(_ rule: RiskRule, _ detail: @autoclosure () -> String) {
        log.verdicts.append(RuleVerdict(rule: rule, outcome: .resize, detail: explains ? detail() : ""))
    }

    func reject(_ rule: RiskRule, _ reason: RiskRejectionReason, _ detail: @autoclosure () -> String) {
        log.verdicts.append(RuleVerdict(rule: rule, outcome: .reject, reason: reason, detail: explains ? detail() : ""))
    }

    func skip(_ rules: [RiskRule], _ detail: @autoclosure () -> String) {
        let text = explains ? detail() : ""
        for rule in rules where enabled(rule) {
            log.verdicts.append(RuleVerdict(rule: rule, outcome: .skipped, detail: text))
        }
    }

    @inline(__always)
    func result() -> RiskAssessment {
        let decision: RiskDecision
        if let first = verdicts.first(where: { $0.outcome == .reject }), let reason = first.reason {
            decision = .rejected(reason, detail: first.detail)
        } else if let approval {
            decision = .approved(approval)
        } else {
            decision = .rejected(.invalidIntent, detail: "no rule produced an order")
        }
        return RiskAssessment(decision: decision, verdicts: verdicts, trippedBreaker: trippedBreaker, warnings: warnings)
    }

    // MARK: Exits

    mutating func exit() throws {
        duplicateCheck()
        pass(.operatorPause, "exits always pass")
        guard let open = context.portfolio.positions[intent.symbol], open.side == intent.side else {
            reject(.exitPosition, .noPosition, "no \(intent.side) position in \(intent.symbol) to close")
            return
        }
        pass(.exitPosition, "closes the \(open.side?.rawValue ?? "") position of \(open.size), reduce-only")
        guard !rejected else { return }
        approval = RiskApproval(
            intent: intent, quantity: open.size, leverage: open.leverage, riskAmount: .zero,
            notional: try intent.referencePrice * open.size, reduceOnly: true, notes: [])
    }

    mutating func duplicateCheck() {
        if context.account.decidedIntentIDs.contains(intent.id) {
            reject(.duplicateIntent, .duplicate, "intent \(intent.id) was already decided")
        } else {
            pass(.duplicateIntent, "first time seen")
        }
    }

    // MARK: Entries

    mutating func entry() throws {
        duplicateCheck()
        let limits = symbolCheck()
        if context.account.paused {
            reject(.operatorPause, .paused, "an operator paused new entries")
        } else {
            pass(.operatorPause, "not paused")
        }
        let distance = try stopChecks()
        try staleness()
        try priceVsMark()
        try lossLimits()
        exposureCounts()
        // Sizing cannot change a decision already refused; without explanations nobody reads
        // its verdicts, so a backtest refusing millions of intents skips the work.
        if !explains, rejected { return }
        if stopsBeforeSizing {
            stoppedBeforeSizing = true
            return
        }
        guard let limits, let distance else {
            skip(Self.sizingRules, limits == nil ? "no instrument limits" : "no usable stop")
            return
        }
        guard equity.isPositive else {
            reject(.fixedFraction, .insufficientEquity, "equity is \(equity)")
            skip(Array(Self.sizingRules.dropFirst()), "no equity to size from")
            return
        }
        try size(limits: limits, distance: distance)
    }

    static let sizingRules: [RiskRule] = [
        .fixedFraction, .volatilitySizing, .performanceSizing, .leverageCap, .dynamicLeverage, .margin, .maxTotalNotional,
        .maxSymbolNotional, .correlatedExposure, .venueMaxOrder, .minimumSize,
    ]

    mutating func symbolCheck() -> InstrumentLimits? {
        var allowed = true
        if enabled(.symbolAllowed), !settings.symbols.isEmpty, !settings.symbols.contains(intent.symbol.rawValue) {
            reject(.symbolAllowed, .symbolNotAllowed, "\(intent.symbol) is not among risk.symbols")
            allowed = false
        }
        guard let limits = context.limits else {
            reject(.symbolAllowed, .unknownSymbol, "the venue lists no instrument \(intent.symbol)")
            return nil
        }
        if enabled(.symbolAllowed), allowed { pass(.symbolAllowed, "\(intent.symbol) is traded") }
        return limits
    }

    /// The stop's distance from the entry price, or nil when the stop is missing or unusable.
    mutating func stopChecks() throws -> Price? {
        let entry = intent.entryPrice
        guard let stop = intent.stopLoss else {
            reject(.stopLoss, .invalidStop, "an entry needs a stop-loss")
            skip([.stopDistance], "no stop")
            return nil
        }
        let correctSide = intent.side == .buy ? stop < entry : stop > entry
        guard correctSide, stop.isPositive else {
            reject(.stopLoss, .invalidStop, "stop-loss \(stop) must be \(intent.side == .buy ? "below" : "above") the entry \(entry) for a \(intent.side)")
            skip([.stopDistance], "stop on the wrong side")
            return nil
        }
        pass(.stopLoss, "stop \(stop) \(intent.side == .buy ? "below" : "above") entry \(entry)")
        let distance = Price(try entry.value.subtracting(stop.value).magnitudeValue())
        if enabled(.stopDistance) {
            let exact = distance.value
            // Compared exactly: the distance against the bound × the entry price.
            let low = try settings.sanity.minStopFraction.multiplied(by: entry.value)
            let high = try settings.sanity.maxStopFraction.multiplied(by: entry.value)
            if exact < low {
                reject(.stopDistance, .stopDistance, "stop distance \(distance) (\(Self.percent(exact, of: entry.value))) is under the minimum \(settings.sanity.minStopFraction.percent) of entry")
            } else if exact > high {
                reject(.stopDistance, .stopDistance, "stop distance \(distance) (\(Self.percent(exact, of: entry.value))) is over the maximum \(settings.sanity.maxStopFraction.percent) of entry")
            } else {
                pass(.stopDistance, "stop distance \(distance) (\(Self.percent(exact, of: entry.value)) of entry)")
            }
        }
        return distance
    }

    mutating func staleness() throws {
        guard enabled(.staleness) else { return }
        let maxAge = settings.sanity.maxIntentAgeMs
        let candleClose = intent.candleTime.milliseconds + intent.timeframe.milliseconds
        let created = intent.createdAt.milliseconds - candleClose
        if created > maxAge {
            reject(.staleness, .stale, "the intent was made \(created) ms after its candle closed at \(Timestamp(milliseconds: candleClose)), more than \(maxAge) ms")
            return
        }
        guard settings.sanity.clockChecks else {
            pass(.staleness, "made \(max(created, 0)) ms after its candle; clock checks off")
            return
        }
        let now = context.now
        if let expiry = intent.expiresAt, now >= expiry {
            reject(.staleness, .expired, "the intent expired at \(expiry), now \(now)")
            return
        }
        let age = now.milliseconds - max(candleClose, intent.createdAt.milliseconds)
        if age > maxAge {
            reject(.staleness, .stale, "the intent is \(age) ms old (its candle closed at \(Timestamp(milliseconds: candleClose))), more than \(maxAge) ms")
        } else {
            pass(.staleness, "\(max(age, 0)) ms old, at most \(maxAge) ms")
        }
    }

    /// The time the market-timed rules (mark age, cooldowns) measure from: now when clock checks
    /// are on (live), else the intent's creation, on the clock of the market that made it (paper
    /// trading against a replayed market, where the service's own clock is a different time).
    var marketNow: Timestamp { settings.sanity.clockChecks ? context.now : intent.createdAt }

    /// A fresh mark for `symbol`, if one is known: at most `maxMarkAgeMs` from `marketNow`.
    @inline(__always)
    func mark(_ symbol: Symbol) -> Price? {
        guard let state = context.market[symbol], let mark = state.mark, mark.isPositive, let time = state.markTime,
              abs(marketNow.milliseconds - time.milliseconds) <= settings.sanity.maxMarkAgeMs
        else { return nil }
        return mark
    }

    mutating func priceVsMark() throws {
        guard enabled(.priceVsMark) else { return }
        let entry = intent.entryPrice
        guard let mark = mark(intent.symbol) else {
            if settings.sanity.requireMark {
                reject(.priceVsMark, .noMarkPrice, "no mark price of \(intent.symbol) within \(settings.sanity.maxMarkAgeMs) ms")
            } else {
                pass(.priceVsMark, "no fresh mark known: not checked")
            }
            return
        }
        let gap = try entry.value.subtracting(mark.value).magnitudeValue()
        let allowed = try settings.sanity.maxMarkDeviation.multiplied(by: mark.value)
        if gap > allowed {
            reject(.priceVsMark, .priceFarFromMark, "entry \(entry) is \(Self.percent(gap, of: mark.value)) from the mark \(mark), more than \(settings.sanity.maxMarkDeviation.percent)")
        } else {
            pass(.priceVsMark, "entry \(entry) is \(Self.percent(gap, of: mark.value)) from the mark \(mark)")
        }
    }

    mutating func lossLimits() throws {
        let account = context.account
        let warnAt = settings.losses.warnAtFraction
        if enabled(.drawdownBreaker) {
            let limit = settings.losses.maxDrawdownFraction
            if account.breakerTripped {
                reject(.drawdownBreaker, .drawdownBreaker, "the drawdown breaker is tripped until an operator resets it")
            } else if let peak = account.equityPeak, peak.isPositive {
                let drop = try peak.value.subtracting(equity.value)
                let drawdown = explains ? Self.percent(drop, of: peak.value) : ""
                let trip = try limit.multiplied(by: peak.value)
                if drop >= trip {
                    let detail = explains ? "equity \(equity) is \(drawdown) below its peak \(peak), the limit is \(limit.percent)" : ""
                    reject(.drawdownBreaker, .drawdownBreaker, detail)
                    trippedBreaker = detail
                } else {
                    pass(.drawdownBreaker, "drawdown \(drawdown) of peak \(peak), limit \(limit.percent)")
                    if drop >= (try trip.multiplied(by: warnAt)) {
                        warnings.append(RiskWarning(rule: .drawdownBreaker, detail: explains ? "drawdown \(drawdown) is near the limit \(limit.percent)" : ""))
                    }
                }
            } else {
                pass(.drawdownBreaker, "no equity peak yet")
            }
        }
        if enabled(.dailyLoss) {
            let limit = settings.losses.dailyLossFraction
            if let start = account.dayStartEquity, start.isPositive {
                let loss = try start.value.subtracting(equity.value)
                let share = explains ? Self.percent(loss, of: start.value) : ""
                let cap = try limit.multiplied(by: start.value)
                if loss >= cap {
                    reject(.dailyLoss, .dailyLossLimit, "today's loss \(Money(loss)) is \(share) of the day's opening equity \(start), the limit is \(limit.percent)")
                } else {
                    let result = Money(try loss.negated())
                    pass(.dailyLoss, "today's result \(result) against a limit of -\(Money(cap))")
                    if loss >= (try cap.multiplied(by: warnAt)) {
                        warnings.append(RiskWarning(rule: .dailyLoss, detail: explains ? "today's loss \(share) is near the limit \(limit.percent)" : ""))
                    }
                }
            } else {
                pass(.dailyLoss, "no equity known for the start of the day")
            }
        }
        if enabled(.lossStreakCooldown) {
            let streak = account.closedTrades.reversed().prefix { $0.pnl.isNegative }
            let needed = settings.losses.consecutiveLosses
            if streak.count >= needed, let last = streak.first,
               marketNow.milliseconds - last.closedAt.milliseconds < settings.losses.lossCooldownMs {
                let until = Timestamp(milliseconds: last.closedAt.milliseconds + settings.losses.lossCooldownMs)
                reject(.lossStreakCooldown, .lossStreakCooldown, "\(streak.count) losses in a row (limit \(needed)): no entries until \(until)")
            } else {
                pass(.lossStreakCooldown, "\(streak.count) losses in a row, cooldown after \(needed)")
            }
        }
        if enabled(.stopOutCooldown) {
            if let stopped = account.closedTrades.last(where: { $0.stoppedOut && $0.symbol == intent.symbol }),
               marketNow.milliseconds - stopped.closedAt.milliseconds < settings.losses.stopOutCooldownMs {
                let until = Timestamp(milliseconds: stopped.closedAt.milliseconds + settings.losses.stopOutCooldownMs)
                reject(.stopOutCooldown, .stopOutCooldown, "\(intent.symbol) was stopped out at \(stopped.closedAt): no entry until \(until)")
            } else {
                pass(.stopOutCooldown, "no recent stop-out on \(intent.symbol)")
            }
        }
    }

    mutating func exposureCounts() {
        let positions = context.portfolio.positions
        if enabled(.onePositionPerSymbol) {
            if let open = positions[intent.symbol] {
                reject(.onePositionPerSymbol, .positionExists, "\(intent.symbol) already has a \(open.side?.rawValue ?? "") position of \(open.size)")
            } else {
                pass(.onePositionPerSymbol, "no position in \(intent.symbol)")
            }
        }
        if enabled(.maxOpenPositions) {
            let open = positions.count
            let cap = settings.exposure.maxOpenPositions
            if open >= cap {
                reject(.maxOpenPositions, .maxOpenPositions, "\(open) positions open, at most \(cap)")
            } else {
                pass(.maxOpenPositions, "\(open) of \(cap) positions open")
                if open + 1 == cap {
                    warnings.append(RiskWarning(rule: .maxOpenPositions, detail: explains ? "this entry uses the last of \(cap) position slots" : ""))
                }
            }
        }
    }

    // MARK: Sizing

    /// The position's notional at its mark (or entry price when no mark is known).
    func notional(_ position: Position) throws -> Money {
        try (mark(position.symbol) ?? position.averageEntryPrice) * position.size
    }

    /// The volatility as an exact fraction (8 places), from the market or the intent's `atr_percent`.
    func volatility() -> FixedPoint? {
        let value = context.market[intent.symbol]?.atrFraction ?? intent.indicators["atr_percent"].map { $0 / 100 }
        guard let value, value.isFinite, value > 0, value < 10 else { return nil }
        return try? FixedPoint(units: Int64((value * 100_000_000).rounded()), scale: 8)
    }

    mutating func size(limits: InstrumentLimits, distance: Price) throws {
        let base = settings.sizing.riskFraction
        var fraction = base
        pass(.fixedFraction, "\(base.percent) of equity \(equity) at risk")
        let volatility = volatility()

        if enabled(.volatilitySizing) {
            if let volatility {
                let raw = try settings.sizing.targetATRFraction.divided(by: volatility, scale: 6, rounding: .towardZero)
                let scale = min(max(raw, settings.sizing.volatilityMinScale), settings.sizing.volatilityMaxScale)
                fraction = try fraction.multiplied(by: scale, scale: 10, rounding: .towardZero)
                let detail = explains ? "ATR \(volatility.percent) against a target of \(settings.sizing.targetATRFraction.percent): ×\(scale.normalized) → \(fraction.percent)" : ""
                if scale == FixedPoint(integer: 1) { pass(.volatilitySizing, detail) } else { resize(.volatilitySizing, detail) }
            } else {
                pass(.volatilitySizing, "no volatility known: unscaled")
            }
        }
        if enabled(.performanceSizing) {
            let trades = context.account.closedTrades.suffix(settings.sizing.lookbackTrades)
            if trades.count >= settings.sizing.minTrades {
                let (scale, detail) = try performanceScale(Array(trades), base: base)
                fraction = try fraction.multiplied(by: scale, scale: 10, rounding: .towardZero)
                if scale == FixedPoint(integer: 1) {
                    pass(.performanceSizing, "\(detail) → \(fraction.percent)")
                } else {
                    resize(.performanceSizing, "\(detail): ×\(scale.normalized) → \(fraction.percent)")
                }
            } else {
                pass(.performanceSizing, "\(trades.count) closed trades, \(settings.sizing.minTrades) needed: unscaled")
            }
        }

        let entry = intent.entryPrice
        let step = limits.qtyStep
        let budget = try equity.value.multiplied(by: fraction, scale: 8, rounding: .towardZero)
        // The quantity whose loss at the stop is the budget, rounded down so the loss never exceeds it.
        var quantity = try Quantity(budget.divided(by: distance.value, scale: step.scale, rounding: .towardZero))
            .rounded(toStep: step, mode: .towardZero)
        var limiter: (RiskRule, RiskRejectionReason)?

        // Leverage: the lowest of the global, the symbol's and the instrument's caps, then lower
        // still in a volatile market.
        let symbolCap = settings.leverage.perSymbol[intent.symbol.rawValue]
        var leverage = min(settings.leverage.max, limits.maxLeverage)
        if let symbolCap { leverage = min(leverage, symbolCap) }
        pass(.leverageCap, "leverage cap \(leverage.normalized) (global \(settings.leverage.max.normalized), symbol \(symbolCap.map { "\($0.normalized)" } ?? "none"), instrument \(limits.maxLeverage.normalized))")
        if enabled(.dynamicLeverage) {
            if let volatility {
                let raw = try settings.leverage.volatilityBudget.divided(by: volatility, scale: 0, rounding: .towardZero)
                let dynamic = max(raw, FixedPoint(integer: 1))
                if dynamic < leverage {
                    resize(.dynamicLeverage, "ATR \(volatility.percent): leverage \(leverage.normalized) lowered to \(dynamic.normalized) (budget \(settings.leverage.volatilityBudget.percent))")
                    leverage = dynamic
                } else {
                    pass(.dynamicLeverage, "ATR \(volatility.percent) allows \(dynamic.normalized), cap \(leverage.normalized) stands")
                }
            } else {
                pass(.dynamicLeverage, "no volatility known: cap \(leverage.normalized) stands")
            }
        }
        // Margin: the order's notional may not exceed equity × leverage.
        capSize(&quantity, &limiter, .margin, .leverageLimit, to: try largest(forNotional: equity.value.multiplied(by: leverage), step: step),
            "notional within equity \(equity) × leverage \(leverage.normalized)")

        // Each open position's notional, worked out once for the total and the cluster.
        var open = FixedPoint.zero
        var notionals: [(symbol: Symbol, value: FixedPoint)] = []
        notionals.reserveCapacity(context.portfolio.positions.count)
        for position in context.portfolio.positions.values {
            let value = try notional(position).value
            notionals.append((position.symbol, value))
            open = try open.adding(value)
        }
        let equityValue = equity.value
        if enabled(.maxTotalNotional) {
            let limit = try settings.exposure.maxTotalNotional.multiplied(by: equityValue)
            let room = try limit.subtracting(open)
            capSize(&quantity, &limiter, .maxTotalNotional, .maxTotalNotional, to: try largest(forNotional: room, step: step),
                "open notional \(Money(open)) + this order within \(settings.exposure.maxTotalNotional.normalized) × equity = \(Money(limit))")
            let after = try open.adding(entry.value.multiplied(by: quantity.value))
            if after >= (try limit.multiplied(by: settings.losses.warnAtFraction)) {
                warnings.append(RiskWarning(rule: .maxTotalNotional, detail: explains ? "open notional \(Money(after)) is near the cap \(Money(limit))" : ""))
            }
        }
        if enabled(.maxSymbolNotional) {
            let limit = try settings.exposure.maxSymbolNotional.multiplied(by: equityValue)
            capSize(&quantity, &limiter, .maxSymbolNotional, .maxSymbolNotional, to: try largest(forNotional: limit, step: step),
                "notional within \(settings.exposure.maxSymbolNotional.normalized) × equity = \(Money(limit)) per symbol")
        }
        if enabled(.correlatedExposure) {
            var cluster: [String] = []
            var clusterNotional = FixedPoint.zero
            let threshold = settings.exposure.correlationThreshold.doubleValue
            let candidate = context.market[intent.symbol]?.returns ?? []
            for (symbol, value) in notionals {
                guard let other = context.market[symbol]?.returns,
                      let rho = Correlation.pearson(candidate, other, window: settings.exposure.correlationWindow,
                                                    minSamples: settings.exposure.correlationMinSamples),
                      rho >= threshold
                else { continue }
                if explains { cluster.append("\(symbol) \((rho * 100).rounded() / 100)") }
                clusterNotional = try clusterNotional.adding(value)
            }
            cluster.sort()
            let limit = try settings.exposure.maxClusterNotional.multiplied(by: equityValue)
            let members = !explains ? "" : cluster.isEmpty ? "no open position correlates" : "cluster [\(cluster.joined(separator: ", "))] holds \(Money(clusterNotional))"
            capSize(&quantity, &limiter, .correlatedExposure, .correlatedExposure, to: try largest(forNotional: try limit.subtracting(clusterNotional), step: step),
                "\(members); cap \(settings.exposure.maxClusterNotional.normalized) × equity = \(Money(limit)) at ρ ≥ \(settings.exposure.correlationThreshold)")
        }
        if let venueLargest = try limits.maxOrderQty?.rounded(toStep: step, mode: .towardZero) {
            capSize(&quantity, &limiter, .venueMaxOrder, .sizeBelowMinimum, to: venueLargest, "the venue takes at most \(venueLargest) per order")
            if limiter?.0 == .venueMaxOrder { limiter = nil }
        } else {
            pass(.venueMaxOrder, "the venue sets no largest order")
        }

        let notional = try entry * quantity
        guard quantity >= limits.minOrderQty, quantity.isPositive, notional >= limits.minNotional else {
            let (rule, reason) = limiter ?? (.minimumSize, .sizeBelowMinimum)
            let detail = explains ? "qty \(quantity) (notional \(notional)) is below the minimum \(limits.minOrderQty) / \(limits.minNotional)" : ""
            if rule == .minimumSize {
                reject(.minimumSize, .sizeBelowMinimum, detail)
            } else {
                reject(.minimumSize, reason, "\(detail) once \(rule.rawValue) capped it")
            }
            return
        }
        pass(.minimumSize, "qty \(quantity), notional \(notional), at least \(limits.minOrderQty) / \(limits.minNotional)")
        guard !rejected else { return }
        approval = RiskApproval(
            intent: intent, quantity: quantity, leverage: leverage, riskAmount: try distance * quantity, notional: notional,
            reduceOnly: false, notes: verdicts.filter { $0.outcome == .resize }.map { "\($0.rule.rawValue): \($0.detail)" })
    }

    /// The largest quantity on the step whose notional at the entry price is at most `room`.
    func largest(forNotional room: FixedPoint, step: Quantity) throws -> Quantity {
        guard room.isPositive else { return Quantity(.zero) }
        return try Quantity(room.divided(by: intent.entryPrice.value, scale: step.scale, rounding: .towardZero))
            .rounded(toStep: step, mode: .towardZero)
    }

    /// Applies a cap: a resize verdict when it lowers the quantity (and it becomes the limiter),
    /// a pass otherwise.
    func capSize(
        _ quantity: inout Quantity, _ limiter: inout (RiskRule, RiskRejectionReason)?, _ rule: RiskRule,
        _ reason: RiskRejectionReason, to largest: Quantity, _ why: @autoclosure () -> String
    ) {
        if quantity > largest {
            resize(rule, "qty \(quantity) capped to \(largest): \(why())")
            quantity = largest
            limiter = (rule, reason)
        } else {
            pass(rule, why())
        }
    }

    /// Half-Kelly from the win rate and the payoff ratio of `trades`, as a scale on the base
    /// fraction within the configured bounds.
    func performanceScale(_ trades: [ClosedTrade], base: FixedPoint) throws -> (FixedPoint, String) {
        var wins = 0
        var grossWin = FixedPoint.zero
        var grossLoss = FixedPoint.zero
        for trade in trades {
            if trade.pnl.isPositive {
                wins += 1
                grossWin = try grossWin.adding(trade.pnl.value)
            } else if trade.pnl.isNegative {
                grossLoss = try grossLoss.subtracting(trade.pnl.value)
            }
        }
        let losses = trades.count - wins
        let low = settings.sizing.performanceMinScale
        let high = settings.sizing.performanceMaxScale
        let winRate = try FixedPoint(integer: Int64(wins)).divided(by: FixedPoint(integer: Int64(trades.count)), scale: 6, rounding: .towardZero)
        guard wins > 0 else { return (low, "no wins in \(trades.count) trades") }
        guard grossLoss.isPositive else { return (high, "\(wins) wins and no losses in \(trades.count) trades") }
        let averageWin = try grossWin.divided(by: FixedPoint(integer: Int64(wins)), scale: 8, rounding: .towardZero)
        let averageLoss = try grossLoss.divided(by: FixedPoint(integer: Int64(max(losses, 1))), scale: 8, rounding: .towardZero)
        let payoff = try averageWin.divided(by: averageLoss, scale: 6, rounding: .towardZero)
        let profitFactor = try grossWin.divided(by: grossLoss, scale: 4, rounding: .towardZero)
        // Kelly = W − (1 − W) / R; half of it is the fraction aimed for.
        let lossRate = try FixedPoint(integer: 1).subtracting(winRate)
        guard payoff.isPositive else { return (low, "the average win is negligible against the average loss") }
        let kelly = try winRate.subtracting(lossRate.divided(by: payoff, scale: 6, rounding: .up))
        let halfKelly = try kelly.divided(by: FixedPoint(integer: 2), scale: 6, rounding: .towardZero)
        let raw = halfKelly.isPositive ? try halfKelly.divided(by: base, scale: 6, rounding: .towardZero) : FixedPoint.zero
        let scale = min(max(raw, low), high)
        return (scale, explains ? "win rate \(winRate.percent), profit factor \(profitFactor.normalized), half-Kelly \(halfKelly.percent)" : "")
    }
}

/// Pearson correlation of the most recent common returns.
public enum Correlation {
    public static func pearson(_ a: [Double], _ b: [Double], window: Int, minSamples: Int) -> Double? {
        let n = min(a.count, b.count, window)
        guard n >= max(minSamples, 2) else { return nil }
        let xs = a[(a.count - n)...]
        let ys = b[(b.count - n)...]
        var sumX = 0.0, sumY = 0.0
        for (x, y) in zip(xs, ys) {
            sumX += x
            sumY += y
        }
        let meanX = sumX / Double(n), meanY = sumY / Double(n)
        var cov = 0.0, varX = 0.0, varY = 0.0
        for (x, y) in zip(xs, ys) {
            let dx = x - meanX, dy = y - meanY
            cov += dx * dy
            varX += dx * dx
            varY += dy * dy
        }
        guard varX > 0, varY > 0 else { return nil }
        let rho = cov / (varX * varY).squareRoot()
        return rho.isFinite ? rho : nil
    }
}

extension FixedPoint {
    /// |self|.
    func magnitudeValue() throws -> FixedPoint {
        isNegative ? try negated() : self
    }

    /// The fraction as a percentage for verdict text ("0.0125" → "1.25%").
    var percent: String {
        guard let scaled = try? multiplied(by: FixedPoint(integer: 100)).rounded(scale: 4, mode: .towardZero) else { return "\(self)" }
        return "\(scaled.normalized)%"
    }
}
