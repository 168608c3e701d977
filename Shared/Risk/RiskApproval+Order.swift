import Core

extension RiskApproval {
    /// The order execution receives for this approval: what `risk.orders.v1` carries, built
    /// here so the risk service and the backtester hand execution the same order.
    public func approvedOrder() throws -> ApprovedOrder {
        try ApprovedOrder(
            intentID: intent.id, symbol: intent.symbol, side: intent.side, kind: intent.kind, quantity: quantity,
            referencePrice: intent.referencePrice, leverage: leverage, stopLoss: intent.stopLoss,
            takeProfits: intent.takeProfits.map(\.price), reduceOnly: reduceOnly,
            takeProfitQuantities: try Self.ladderQuantities(intent.takeProfits, quantity: quantity), entry: intent.entry,
            trailing: intent.trailing, breakEvenAfterTarget: intent.breakEvenAfterTarget, expiresAt: intent.expiresAt)
    }

    /// Each take-profit's quantity: the order's quantity × the step's fraction, rounded down at
    /// the quantity's precision; when the fractions add up to the whole position, the last step
    /// takes what rounding left, so the ladder closes all of it.
    public static func ladderQuantities(_ targets: [TakeProfitTarget], quantity: Quantity) throws -> [Quantity] {
        let one = FixedPoint(integer: 1)
        let total = try targets.reduce(FixedPoint.zero) { try $0.adding($1.fraction) }
        var assigned = FixedPoint.zero
        return try targets.enumerated().map { index, target in
            let qty: FixedPoint
            if index == targets.count - 1, total == one {
                qty = try quantity.value.subtracting(assigned)
            } else {
                qty = try quantity.value.multiplied(by: target.fraction, scale: quantity.scale, rounding: .towardZero)
            }
            assigned = try assigned.adding(qty)
            return Quantity(qty)
        }
    }
}
