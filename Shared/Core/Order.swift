public enum OrderType: String, Sendable, Hashable, Codable, CaseIterable {
    case market
    case limit
}

/// Order lifecycle states. Raw values are Bybit V5's `orderStatus` strings.
public enum OrderStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case new = "New"
    case partiallyFilled = "PartiallyFilled"
    case filled = "Filled"
    case cancelled = "Cancelled"
    case rejected = "Rejected"
    /// A conditional order (e.g. TP/SL) waiting for its trigger.
    case untriggered = "Untriggered"
    /// A conditional order whose trigger fired.
    case triggered = "Triggered"
    /// A conditional order cancelled before triggering.
    case deactivated = "Deactivated"

    /// Whether the order can no longer change (filled, cancelled, rejected or deactivated).
    public var isTerminal: Bool {
        switch self {
        case .filled, .cancelled, .rejected, .deactivated: return true
        case .new, .partiallyFilled, .untriggered, .triggered: return false
        }
    }
}

/// An exchange order as Keel knows it.
///
/// Validated: quantity > 0; a limit order has a limit price > 0 and a market order none;
/// 0 ≤ filled quantity ≤ quantity; an average price is > 0 when present. Update an order by
/// constructing a new one (see `updated(status:filledQuantity:averagePrice:)`).
public struct Order: Sendable, Hashable, Codable {
    /// The exchange's order id; nil until the exchange has acknowledged the order.
    public let exchangeOrderID: String?
    /// Keel's idempotent client order id (Bybit `orderLinkId`), see `StableID.clientOrderID`.
    public let clientOrderID: String
    public let symbol: Symbol
    public let side: Side
    public let type: OrderType
    public let quantity: Quantity
    public let limitPrice: Price?
    public let reduceOnly: Bool
    public let status: OrderStatus
    public let filledQuantity: Quantity
    /// Average fill price; nil before the first fill.
    public let averagePrice: Price?

    /// Throws `RecordValidationError` if the fields are inconsistent.
    public init(
        exchangeOrderID: String? = nil, clientOrderID: String, symbol: Symbol, side: Side, type: OrderType,
        quantity: Quantity, limitPrice: Price? = nil, reduceOnly: Bool = false, status: OrderStatus = .new,
        filledQuantity: Quantity = .zero, averagePrice: Price? = nil
    ) throws {
        try check(!clientOrderID.isEmpty, "clientOrderID", "client order id is empty")
        try check(exchangeOrderID.map { !$0.isEmpty } ?? true, "exchangeOrderID", "exchange order id is empty (use nil)")
        try check(quantity.isPositive, "quantity", "quantity \(quantity) must be greater than zero")
        switch type {
        case .limit:
            try check(limitPrice?.isPositive ?? false, "limitPrice", "a limit order needs a limit price greater than zero")
        case .market:
            try check(limitPrice == nil, "limitPrice", "a market order has no limit price")
        }
        try check(!filledQuantity.isNegative, "filledQuantity", "filled quantity \(filledQuantity) is negative")
        try check(filledQuantity <= quantity, "filledQuantity",
                  "filled quantity \(filledQuantity) exceeds order quantity \(quantity)")
        try check(averagePrice?.isPositive ?? true, "averagePrice", "average price must be greater than zero")
        self.exchangeOrderID = exchangeOrderID
        self.clientOrderID = clientOrderID
        self.symbol = symbol
        self.side = side
        self.type = type
        self.quantity = quantity
        self.limitPrice = limitPrice
        self.reduceOnly = reduceOnly
        self.status = status
        self.filledQuantity = filledQuantity
        self.averagePrice = averagePrice
    }

    /// Quantity still open: `quantity - filledQuantity`.
    public var remainingQuantity: Quantity {
        // Cannot throw: 0 ≤ filledQuantity ≤ quantity is checked on construction.
        (try? quantity - filledQuantity) ?? .zero
    }

    /// A copy with new execution state (and, once known, the exchange order id), re-validated.
    public func updated(
        status: OrderStatus, filledQuantity: Quantity, averagePrice: Price?, exchangeOrderID: String? = nil
    ) throws -> Order {
        try Order(
            exchangeOrderID: exchangeOrderID ?? self.exchangeOrderID, clientOrderID: clientOrderID, symbol: symbol,
            side: side, type: type, quantity: quantity, limitPrice: limitPrice, reduceOnly: reduceOnly,
            status: status, filledQuantity: filledQuantity, averagePrice: averagePrice)
    }

    enum CodingKeys: String, CodingKey {
        case exchangeOrderID, clientOrderID, symbol, side, type, quantity, limitPrice, reduceOnly, status
        case filledQuantity, averagePrice
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            exchangeOrderID: c.decodeIfPresent(String.self, forKey: .exchangeOrderID),
            clientOrderID: c.decode(String.self, forKey: .clientOrderID),
            symbol: c.decode(Symbol.self, forKey: .symbol),
            side: c.decode(Side.self, forKey: .side),
            type: c.decode(OrderType.self, forKey: .type),
            quantity: c.decode(Quantity.self, forKey: .quantity),
            limitPrice: c.decodeIfPresent(Price.self, forKey: .limitPrice),
            reduceOnly: c.decode(Bool.self, forKey: .reduceOnly),
            status: c.decode(OrderStatus.self, forKey: .status),
            filledQuantity: c.decode(Quantity.self, forKey: .filledQuantity),
            averagePrice: c.decodeIfPresent(Price.self, forKey: .averagePrice))
    }
}

private func check(_ condition: Bool, _ field: String, _ reason: @autoclosure () -> String) throws {
    try RecordValidationError.check(condition, "Order", field, reason())
}
