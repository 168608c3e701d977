import Core

/// One of the trade's orders as recorded: nil status while it is being submitted.
public struct OrderFacts: Sendable, Hashable {
    public var status: OrderStatus?
    public var filledQuantity: Quantity
    /// The venue's time of the latest report; nil before the venue answered.
    public var updatedAt: Timestamp?

    public init(status: OrderStatus?, filledQuantity: Quantity, updatedAt: Timestamp?) {
        self.status = status
        self.filledQuantity = filledQuantity
        self.updatedAt = updatedAt
    }

    /// Still working on the venue, or not yet answered.
    public var isWorking: Bool { !(status?.isTerminal ?? false) }
}

/// The venue's position in the trade's symbol.
public struct PositionFacts: Sendable, Hashable {
    public var side: Side?
    public var size: Quantity
    public var averageEntryPrice: Price
    public var stopLoss: Price?
    /// The trailing distance set on the venue, nil when none.
    public var trailingStop: Price?
    public var markPrice: Price?
    /// The venue's time of this state.
    public var updatedAt: Timestamp

    public init(
        side: Side?, size: Quantity, averageEntryPrice: Price, stopLoss: Price?, trailingStop: Price?, markPrice: Price?,
        updatedAt: Timestamp
    ) {
        self.side = side
        self.size = size
        self.averageEntryPrice = averageEntryPrice
        self.stopLoss = stopLoss
        self.trailingStop = trailingStop
        self.markPrice = markPrice
        self.updatedAt = updatedAt
    }
}

/// What is known about a trade when it is looked at: the clock, its orders by client order id,
/// and the venue's position.
public struct TradeFacts: Sendable, Hashable {
    public var now: Timestamp
    public var orders: [String: OrderFacts]
    public var position: PositionFacts?

    public init(now: Timestamp, orders: [String: OrderFacts], position: PositionFacts?) {
        self.now = now
        self.orders = orders
        self.position = position
    }
}

/// An order the trade wants on the venue.
public struct TradeOrder: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable { case entry, takeProfit = "take_profit", exit }
    public enum Kind: Sendable, Hashable {
        case market
        case limit(Price, postOnly: Bool)
    }

    public let clientOrderID: String
    public let role: Role
    public let side: Side
    public let quantity: Quantity
    public let kind: Kind
    public let reduceOnly: Bool
}

/// One thing to do on the venue for a trade.
public enum TradeAction: Sendable, Hashable {
    case place(TradeOrder)
    case cancel(clientOrderID: String, reason: String)
    /// Move the position's stop-loss (never away from the price).
    case setStopLoss(Price, reason: String)
    /// Start the venue's trailing stop `distance` behind the best price.
    case setTrailingStop(distance: Price)
}
