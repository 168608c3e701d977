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
    /// Nearest first.
    public let takeProfits: [Price]
    public let reduceOnly: Bool
    /// Each take-profit's quantity as risk sized it, in the order of `takeProfits` (empty when
    /// not sized: then the first target closes the whole position).
    public let takeProfitQuantities: [Quantity]
    /// At the market, or a limit order at a price.
    public let entry: EntryOrder
    public let trailing: TrailingRule?
    /// 0: never; n: the stop moves to the entry price once the n-th take-profit has filled.
    public let breakEvenAfterTarget: Int
    /// An entry not placed or filled by then is dropped or cancelled.
    public let expiresAt: Timestamp?

    public init(
        intentID: String, symbol: Symbol, side: Side, kind: IntentKind, quantity: Quantity, referencePrice: Price,
        leverage: FixedPoint, stopLoss: Price?, takeProfits: [Price], reduceOnly: Bool,
        takeProfitQuantities: [Quantity] = [], entry: EntryOrder = .market, trailing: TrailingRule? = nil,
        breakEvenAfterTarget: Int = 0, expiresAt: Timestamp? = nil
    ) throws {
        func check(_ condition: Bool, _ field: String, _ reason: @autoclosure () -> String) throws {
            try RecordValidationError.check(condition, "ApprovedOrder", field, reason())
        }
        try check(!intentID.isEmpty, "intentID", "intent id is empty")
        try check(quantity.isPositive, "quantity", "quantity \(quantity) must be greater than zero")
        try check(referencePrice.isPositive, "referencePrice", "reference price \(referencePrice) must be greater than zero")
        try check(leverage.isPositive, "leverage", "leverage \(leverage) must be greater than zero")
        try check(kind == .exit || stopLoss != nil, "stopLoss", "an entry needs a stop-loss")
        try check(takeProfitQuantities.isEmpty || takeProfitQuantities.count == takeProfits.count, "takeProfitQuantities",
                  "\(takeProfitQuantities.count) quantities for \(takeProfits.count) take-profits")
        try check(takeProfitQuantities.allSatisfy { !$0.isNegative }, "takeProfitQuantities", "a take-profit quantity is negative")
        try check(breakEvenAfterTarget >= 0 && breakEvenAfterTarget <= takeProfits.count, "breakEvenAfterTarget",
                  "\(breakEvenAfterTarget) is not one of the \(takeProfits.count) take-profits")
        if case .limit(let price) = entry { try check(price.isPositive, "entry", "limit price \(price) must be greater than zero") }
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
        self.takeProfitQuantities = takeProfitQuantities
        self.entry = entry
        self.trailing = trailing
        self.breakEvenAfterTarget = breakEvenAfterTarget
        self.expiresAt = expiresAt
    }

    /// Whether the take-profits are a ladder of sized steps, placed as reduce-only limits once
    /// the entry has filled: two or more steps, or one that closes only part of the position
    /// (TP1 of a ladder whose rest trails). Otherwise the one target rides on the position and
    /// closes all of it.
    public var hasTakeProfitLadder: Bool {
        takeProfitQuantities.count >= 2 || takeProfitQuantities.first.map { $0 < quantity } == true
    }
}
