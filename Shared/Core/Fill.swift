/// One execution of one of our orders. Validated: price > 0, quantity > 0, ids non-empty.
/// The fee is signed as the exchange reports it: positive is paid, negative is a rebate.
public struct Fill: Sendable, Hashable, Codable {
    /// The exchange's execution id (Bybit `execId`); unique per fill, dedupe on it.
    public let id: String
    /// The exchange order id the fill belongs to.
    public let orderID: String
    public let symbol: Symbol
    public let side: Side
    public let price: Price
    public let quantity: Quantity
    public let fee: Money
    /// The currency the fee is charged in, e.g. "USDT".
    public let feeCurrency: String
    public let isMaker: Bool
    public let time: Timestamp
    /// The venue-side stop or target whose trigger placed the order (nil: an order placed by
    /// Keel or by hand).
    public let venueStop: VenueStop?

    /// Throws `RecordValidationError` if the fields are inconsistent.
    public init(
        id: String, orderID: String, symbol: Symbol, side: Side, price: Price, quantity: Quantity,
        fee: Money, feeCurrency: String, isMaker: Bool, time: Timestamp, venueStop: VenueStop? = nil
    ) throws {
        try check(!id.isEmpty, "id", "id is empty")
        try check(!orderID.isEmpty, "orderID", "order id is empty")
        try check(price.isPositive, "price", "price \(price) must be greater than zero")
        try check(quantity.isPositive, "quantity", "quantity \(quantity) must be greater than zero")
        self.id = id
        self.orderID = orderID
        self.symbol = symbol
        self.side = side
        self.price = price
        self.quantity = quantity
        self.fee = fee
        self.feeCurrency = feeCurrency
        self.isMaker = isMaker
        self.time = time
        self.venueStop = venueStop
    }

    enum CodingKeys: String, CodingKey {
        case id, orderID, symbol, side, price, quantity, fee, feeCurrency, isMaker, time, venueStop
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            id: c.decode(String.self, forKey: .id),
            orderID: c.decode(String.self, forKey: .orderID),
            symbol: c.decode(Symbol.self, forKey: .symbol),
            side: c.decode(Side.self, forKey: .side),
            price: c.decode(Price.self, forKey: .price),
            quantity: c.decode(Quantity.self, forKey: .quantity),
            fee: c.decode(Money.self, forKey: .fee),
            feeCurrency: c.decode(String.self, forKey: .feeCurrency),
            isMaker: c.decode(Bool.self, forKey: .isMaker),
            time: c.decode(Timestamp.self, forKey: .time),
            venueStop: c.decodeIfPresent(VenueStop.self, forKey: .venueStop))
    }
}

/// A stop or target the venue holds on a position and triggers itself.
public enum VenueStop: String, Sendable, Hashable, Codable, CaseIterable {
    case stopLoss = "stop_loss"
    case takeProfit = "take_profit"
    case trailingStop = "trailing_stop"
}

private func check(_ condition: Bool, _ field: String, _ reason: @autoclosure () -> String) throws {
    try RecordValidationError.check(condition, "Fill", field, reason())
}
