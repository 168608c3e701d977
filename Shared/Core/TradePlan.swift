/// How an entry wants to be filled.
public enum EntryOrder: Sendable, Hashable, Codable {
    /// At the market, now.
    case market
    /// A limit order at this price (e.g. the level a pullback reached).
    case limit(Price)

    /// The expected fill price: the limit's, or `reference` at the market.
    public func price(reference: Price) -> Price {
        switch self {
        case .market: reference
        case .limit(let limit): limit
        }
    }
}

/// One step of a take-profit ladder: close `fraction` of the position, as opened, at `price`.
public struct TakeProfitTarget: Sendable, Hashable, Codable {
    public let price: Price
    /// 0 < fraction ≤ 1; the fractions of a ladder sum to at most 1.
    public let fraction: FixedPoint

    /// Throws `RecordValidationError` if `fraction` is not in (0, 1].
    public init(price: Price, fraction: FixedPoint) throws {
        try RecordValidationError.check(
            fraction.isPositive && fraction <= FixedPoint(integer: 1), "TakeProfitTarget", "fraction",
            "fraction \(fraction) must be greater than 0 and at most 1")
        self.price = price
        self.fraction = fraction
    }

    /// A target that closes the whole position.
    public static func whole(at price: Price) -> TakeProfitTarget {
        try! TakeProfitTarget(price: price, fraction: FixedPoint(integer: 1))
    }

    enum CodingKeys: String, CodingKey { case price, fraction }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(price: c.decode(Price.self, forKey: .price), fraction: c.decode(FixedPoint.self, forKey: .fraction))
    }
}

/// How a stop follows price once trailing starts: it stays `offset` behind the best price seen.
public struct TrailingRule: Sendable, Hashable, Codable {
    public enum Offset: Sendable, Hashable, Codable {
        /// An absolute price distance.
        case distance(Price)
        /// A fraction of the best price, e.g. 0.01 = 1%.
        case fraction(FixedPoint)
    }

    public let offset: Offset
    /// 0 = trail from the entry; n = start once the n-th take-profit target has filled.
    public let afterTarget: Int

    /// Throws `RecordValidationError` for a non-positive offset, a fraction of 1 or more, or a
    /// negative `afterTarget`.
    public init(offset: Offset, afterTarget: Int) throws {
        switch offset {
        case .distance(let distance):
            try RecordValidationError.check(distance.isPositive, "TrailingRule", "offset", "distance \(distance) must be greater than zero")
        case .fraction(let fraction):
            try RecordValidationError.check(
                fraction.isPositive && fraction < FixedPoint(integer: 1), "TrailingRule", "offset",
                "fraction \(fraction) must be greater than 0 and below 1")
        }
        try RecordValidationError.check(afterTarget >= 0, "TrailingRule", "afterTarget", "\(afterTarget) must not be negative")
        self.offset = offset
        self.afterTarget = afterTarget
    }

    enum CodingKeys: String, CodingKey { case offset, afterTarget }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(offset: c.decode(Offset.self, forKey: .offset), afterTarget: c.decode(Int.self, forKey: .afterTarget))
    }
}
