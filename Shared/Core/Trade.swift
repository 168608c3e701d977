/// One public trade (a match on the exchange). Validated: price > 0, quantity > 0.
public struct Trade: Sendable, Hashable, Codable {
    /// The exchange's trade id.
    public let id: String
    public let symbol: Symbol
    public let price: Price
    public let quantity: Quantity
    /// The taker's side: `.buy` means an aggressive buyer lifted the offer.
    public let takerSide: Side
    public let time: Timestamp

    /// Throws `RecordValidationError` if the fields are inconsistent.
    public init(id: String, symbol: Symbol, price: Price, quantity: Quantity, takerSide: Side, time: Timestamp) throws {
        try check(!id.isEmpty, "id", "id is empty")
        try check(price.isPositive, "price", "price \(price) must be greater than zero")
        try check(
            quantity.isPositive, "quantity", "quantity \(quantity) must be greater than zero")
        self.id = id
        self.symbol = symbol
        self.price = price
        self.quantity = quantity
        self.takerSide = takerSide
        self.time = time
    }

    enum CodingKeys: String, CodingKey {
        case id, symbol, price, quantity, takerSide, time
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            id: c.decode(String.self, forKey: .id),
            symbol: c.decode(Symbol.self, forKey: .symbol),
            price: c.decode(Price.self, forKey: .price),
            quantity: c.decode(Quantity.self, forKey: .quantity),
            takerSide: c.decode(Side.self, forKey: .takerSide),
            time: c.decode(Timestamp.self, forKey: .time))
    }
}

private func check(_ condition: Bool, _ field: String, _ reason: @autoclosure () -> String) throws {
    try RecordValidationError.check(condition, "Trade", field, reason())
}
