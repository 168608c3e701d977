import Core

/// What the risk engine knows about an instrument's order rules.
public struct InstrumentLimits: Sendable, Hashable {
    public let qtyStep: Quantity
    public let minOrderQty: Quantity
    public let minNotional: Money
    public let maxLeverage: FixedPoint
    /// The largest (market) order the venue takes; nil when it sets none.
    public let maxOrderQty: Quantity?

    public init(qtyStep: Quantity, minOrderQty: Quantity, minNotional: Money, maxLeverage: FixedPoint, maxOrderQty: Quantity? = nil) {
        self.qtyStep = qtyStep
        self.minOrderQty = minOrderQty
        self.minNotional = minNotional
        self.maxLeverage = maxLeverage
        self.maxOrderQty = maxOrderQty
    }
}

/// The account as the risk engine sees it when deciding.
public struct Portfolio: Sendable, Hashable {
    public let equity: Money
    /// Open (non-flat) positions by symbol.
    public let positions: [Symbol: Position]

    public init(equity: Money, positions: [Position]) {
        self.equity = equity
        var open: [Symbol: Position] = [:]
        for position in positions where !position.isFlat { open[position.symbol] = position }
        self.positions = open
    }
}
