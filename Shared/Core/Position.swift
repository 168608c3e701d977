/// A position in one symbol (one-way mode: at most one side at a time).
///
/// Validated: `side` is nil exactly when `size` is zero (flat); size ≥ 0; leverage > 0;
/// the average entry price is > 0 unless flat (exchanges report 0 for a flat position).
public struct Position: Sendable, Hashable, Codable {
    public let symbol: Symbol
    /// `.buy` for long, `.sell` for short, nil when flat.
    public let side: Side?
    /// Absolute size in the base asset; zero when flat.
    public let size: Quantity
    public let averageEntryPrice: Price
    public let realisedPnL: Money
    public let leverage: FixedPoint

    /// Throws `RecordValidationError` if the fields are inconsistent.
    public init(
        symbol: Symbol, side: Side?, size: Quantity, averageEntryPrice: Price, realisedPnL: Money, leverage: FixedPoint
    ) throws {
        try check(!size.isNegative, "size", "size \(size) is negative (the side carries the direction)")
        try check((side == nil) == size.isZero, "side",
                  side.map { "a \($0) position must have a size above 0" } ?? "a flat position must have size 0, got \(size)")
        try check(size.isZero || averageEntryPrice.isPositive, "averageEntryPrice",
                  "average entry price \(averageEntryPrice) must be greater than zero for an open position")
        try check(!averageEntryPrice.isNegative, "averageEntryPrice", "average entry price \(averageEntryPrice) is negative")
        try check(leverage.isPositive, "leverage", "leverage \(leverage) must be greater than zero")
        self.symbol = symbol
        self.side = side
        self.size = size
        self.averageEntryPrice = averageEntryPrice
        self.realisedPnL = realisedPnL
        self.leverage = leverage
    }

    /// A flat position.
    public static func flat(symbol: Symbol, leverage: FixedPoint, realisedPnL: Money = .zero) throws -> Position {
        try Position(symbol: symbol, side: nil, size: .zero, averageEntryPrice: .zero, realisedPnL: realisedPnL, leverage: leverage)
    }

    public var isFlat: Bool { side == nil }

    enum CodingKeys: String, CodingKey {
        case symbol, side, size, averageEntryPrice, realisedPnL, leverage
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            symbol: c.decode(Symbol.self, forKey: .symbol),
            side: c.decodeIfPresent(Side.self, forKey: .side),
            size: c.decode(Quantity.self, forKey: .size),
            averageEntryPrice: c.decode(Price.self, forKey: .averageEntryPrice),
            realisedPnL: c.decode(Money.self, forKey: .realisedPnL),
            leverage: c.decode(FixedPoint.self, forKey: .leverage))
    }
}

private func check(_ condition: Bool, _ field: String, _ reason: @autoclosure () -> String) throws {
    try RecordValidationError.check(condition, "Position", field, reason())
}
