import Core

/// Decides what becomes of an intent: a pure function of the intent, the portfolio and the
/// instrument's limits, with no I/O, so the service, backtests and tests share it.
public struct RiskEngine: Sendable {
    public let rules: RiskRules

    public init(rules: RiskRules = .standard) {
        self.rules = rules
    }

    /// Throws only when the numbers are too large to compute exactly (`FixedPointError`).
    public func decide(_ intent: Intent, portfolio: Portfolio, limits: InstrumentLimits) throws -> RiskDecision {
        switch intent.kind {
        case .entry: return try decideEntry(intent, portfolio: portfolio, limits: limits)
        case .exit: return try decideExit(intent, portfolio: portfolio)
        }
    }

    private func decideEntry(_ intent: Intent, portfolio: Portfolio, limits: InstrumentLimits) throws -> RiskDecision {
        guard let stop = intent.stopLoss else { return .rejected(.invalidStop, detail: "an entry needs a stop-loss") }
        let distance = Price(try intent.referencePrice.value.subtracting(stop.value).magnitudeValue())
        guard distance.isPositive else {
            return .rejected(.invalidStop, detail: "stop-loss \(stop) equals the reference price")
        }
        if let open = portfolio.positions[intent.symbol] {
            return .rejected(.positionExists, detail: "\(intent.symbol) already has a \(open.side?.rawValue ?? "") position of \(open.size)")
        }
        guard portfolio.positions.count < rules.maxOpenPositions else {
            return .rejected(.maxOpenPositions, detail: "\(portfolio.positions.count) positions open, at most \(rules.maxOpenPositions)")
        }
        guard portfolio.equity.isPositive else {
            return .rejected(.insufficientEquity, detail: "equity is \(portfolio.equity)")
        }

        let leverage = min(rules.maxLeverage, limits.maxLeverage)
        let budget = try portfolio.equity.value.multiplied(by: rules.riskFraction)
        var notes: [String] = []
        // Quantity whose loss at the stop is the budget, rounded down so the loss never exceeds it.
        var quantity = try Quantity(budget.divided(by: distance.value, scale: limits.qtyStep.scale, rounding: .towardZero))
            .rounded(toStep: limits.qtyStep, mode: .towardZero)
        // Margin: the notional may not exceed equity × leverage.
        let affordable = try Quantity(
            portfolio.equity.value.multiplied(by: leverage)
                .divided(by: intent.referencePrice.value, scale: limits.qtyStep.scale, rounding: .towardZero)
        ).rounded(toStep: limits.qtyStep, mode: .towardZero)
        if quantity > affordable {
            notes.append("qty \(quantity) capped to \(affordable) by margin at leverage \(leverage)")
            quantity = affordable
        }
        if let largest = try limits.maxOrderQty?.rounded(toStep: limits.qtyStep, mode: .towardZero), quantity > largest {
            notes.append("qty \(quantity) capped to \(largest), the largest order the venue takes")
            quantity = largest
        }
        let notional = try intent.referencePrice * quantity
        guard quantity >= limits.minOrderQty, quantity.isPositive, notional >= limits.minNotional else {
            return .rejected(
                .sizeBelowMinimum,
                detail: "qty \(quantity) (notional \(notional)) is below the minimum \(limits.minOrderQty) / \(limits.minNotional)")
        }
        return .approved(RiskApproval(
            intent: intent, quantity: quantity, leverage: leverage, riskAmount: try distance * quantity,
            notional: notional, reduceOnly: false, notes: notes))
    }

    private func decideExit(_ intent: Intent, portfolio: Portfolio) throws -> RiskDecision {
        // An exit names the side of the position it closes (as `signals.intents.v1` does).
        guard let open = portfolio.positions[intent.symbol], open.side == intent.side else {
            return .rejected(.noPosition, detail: "no \(intent.side) position in \(intent.symbol) to close")
        }
        return .approved(RiskApproval(
            intent: intent, quantity: open.size, leverage: open.leverage, riskAmount: .zero,
            notional: try intent.referencePrice * open.size, reduceOnly: true, notes: []))
    }
}

extension FixedPoint {
    /// |self|.
    func magnitudeValue() throws -> FixedPoint {
        isNegative ? try negated() : self
    }
}
