/// An exact decimal number: `units / 10^scale`, with 64-bit units and a scale of 0...18.
///
/// Money in Keel is never `Double`. Prices, quantities, fees and PnL are `FixedPoint` values
/// (usually wrapped in `Price`, `Quantity` or `Money`). The scale is part of the value as written
/// ("0.00100" has scale 5) and is kept by parsing and formatting, but equality, ordering and
/// hashing are numeric: `1.0 == 1.00`.
///
/// Every operation that could lose digits or overflow throws a `FixedPointError`; nothing
/// silently wraps, truncates or rounds unless a `RoundingMode` is passed.
public struct FixedPoint: Sendable {
    /// The largest supported scale: 10^18 is the largest power of ten that fits in `Int64`.
    public static let maxScale: UInt8 = 18

    /// The integer count of `10^-scale` units.
    public let units: Int64
    /// The number of fractional decimal digits.
    public let scale: UInt8

    /// Creates `units / 10^scale`. Throws `FixedPointError.scaleTooLarge` when `scale > 18`.
    public init(units: Int64, scale: UInt8) throws {
        guard scale <= Self.maxScale else { throw FixedPointError.scaleTooLarge(Int(scale)) }
        self.units = units
        self.scale = scale
    }

    /// Internal initialiser for callers that have already checked the scale.
    init(uncheckedUnits units: Int64, scale: UInt8) {
        assert(scale <= Self.maxScale)
        self.units = units
        self.scale = scale
    }

    /// An integer value at scale 0.
    public init(integer: Int64) {
        self.init(uncheckedUnits: integer, scale: 0)
    }

    /// An integer value at scale 0, or nil if it does not fit in `Int64`.
    public init?(exactly value: Int) {
        guard let units = Int64(exactly: value) else { return nil }
        self.init(uncheckedUnits: units, scale: 0)
    }

    /// Zero at scale 0.
    public static let zero = FixedPoint(uncheckedUnits: 0, scale: 0)

    public var isZero: Bool { units == 0 }
    public var isNegative: Bool { units < 0 }
    public var isPositive: Bool { units > 0 }

    /// The same value with trailing fractional zeros removed ("1.2500" → "1.25", "0.000" → "0").
    public var normalized: FixedPoint {
        var units = units
        var scale = scale
        while scale > 0 && units % 10 == 0 {
            units /= 10
            scale -= 1
        }
        return FixedPoint(uncheckedUnits: units, scale: scale)
    }

    /// `units` at scale `target` (>= scale) as a 128-bit integer; always exact and in range.
    func wideUnits(atScale target: UInt8) -> Int128 {
        precondition(target >= scale)
        return Int128(units) * Decimal10.power(Int(target - scale))
    }
}

extension FixedPoint: Equatable, Hashable, Comparable {
    // Values of one scale (prices of one instrument, the usual case) compare by their units,
    // without widening to 128 bits.
    public static func == (lhs: FixedPoint, rhs: FixedPoint) -> Bool {
        if lhs.scale == rhs.scale { return lhs.units == rhs.units }
        let scale = max(lhs.scale, rhs.scale)
        return lhs.wideUnits(atScale: scale) == rhs.wideUnits(atScale: scale)
    }

    public static func < (lhs: FixedPoint, rhs: FixedPoint) -> Bool {
        if lhs.scale == rhs.scale { return lhs.units < rhs.units }
        let scale = max(lhs.scale, rhs.scale)
        return lhs.wideUnits(atScale: scale) < rhs.wideUnits(atScale: scale)
    }

    /// Hashes the normalized form, so numerically equal values hash equally.
    public func hash(into hasher: inout Hasher) {
        let normal = normalized
        hasher.combine(normal.units)
        hasher.combine(normal.scale)
    }
}

/// Powers of ten and rounded 128-bit division shared by the `FixedPoint` operations.
enum Decimal10 {
    /// 10^0 ... 10^38 (10^38 is the largest power of ten below `Int128.max`).
    static let powers: [Int128] = {
        var result: [Int128] = [1]
        for _ in 1...38 { result.append(result[result.count - 1] * 10) }
        return result
    }()

    static func power(_ exponent: Int) -> Int128 {
        powers[exponent]
    }

    /// Converts a 128-bit unit count to `Int64`, throwing `.overflow` if it does not fit.
    static func narrow(_ value: Int128) throws -> Int64 {
        guard let units = Int64(exactly: value) else { throw FixedPointError.overflow }
        return units
    }

    /// `numerator / denominator` rounded to an integer with `mode`. `denominator` must be > 0.
    static func divide(_ numerator: Int128, by denominator: Int128, mode: RoundingMode) -> Int128 {
        precondition(denominator > 0)
        let negative = numerator < 0
        let magnitude = numerator.magnitude
        let divisor = UInt128(denominator)
        var quotient = magnitude / divisor
        let remainder = magnitude % divisor
        if remainder != 0 && roundsAway(negative: negative, remainder: remainder, divisor: divisor, mode: mode) {
            quotient += 1
        }
        // The quotient's magnitude is at most |numerator| (+1), which fits back in Int128
        // except for the single case numerator == Int128.min with divisor 1 (never produced here).
        let signed = Int128(quotient)
        return negative ? -signed : signed
    }

    /// Whether a truncated quotient with a non-zero remainder moves one step away from zero.
    static func roundsAway(negative: Bool, remainder: UInt128, divisor: UInt128, mode: RoundingMode) -> Bool {
        switch mode {
        case .towardZero: return false
        case .down: return negative
        case .up: return !negative
        case .nearest: return remainder >= divisor - remainder  // 2r >= d without overflow
        }
    }
}
