/// An order risk approved (`risk.orders.v1`), as execution places it. `side` is the intent's:
/// for an exit, the side of the position it closes. Validated: ids non-empty, quantity,
/// reference price and leverage > 0, an entry has a stop-loss.
public struct ApprovedOrder: Sendable, Hashable {
    public let intentID: String
    public let symbol: Symbol
    public let side: Side
    public let kind: IntentKind
    public let quantity: Quantity
    public let referencePrice: Price
    public let leverage: FixedPoint
    public let stopLoss: Price?
    /// Nearest first; the venue holds the first.
    public let takeProfits: [Price]
    public let reduceOnly: Bool

    public init(
        intentID: String, symbol: Symbol, side: Side, kind: IntentKind, quantity: Quantity, referencePrice: Price,
        leverage: FixedPoint, stopLoss: Price?, takeProfits: [Price], reduceOnly: Bool
    ) throws {
        func check(_ condition: Bool, _ field: String, _ reason: @autoclosure () -> String) throws {
            try RecordValidationError.check(condition, "ApprovedOrder", field, reason())
        }
        try check(!intentID.isEmpty, "intentID", "intent id is empty")
        try check(quantity.isPositive, "quantity", "quantity \(quantity) must be greater than zero")
        try check(referencePrice.isPositive, "referencePrice", "reference price \(referencePrice) must be greater than zero")
        try check(leverage.isPositive, "leverage", "leverage \(leverage) must be greater than zero")
        try check(kind == .exit || stopLoss != nil, "stopLoss", "an entry needs a stop-loss")
        self.intentID = intentID
        self.symbol = symbol
        self.side = side
        self.kind = kind
        self.quantity = quantity
        self.referencePrice = referencePrice
        self.leverage = leverage
        self.stopLoss = stopLoss
        self.takeProfits = takeProfits
        self.reduceOnly = reduceOnly
    }
}
