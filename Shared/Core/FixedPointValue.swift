/// Shared behaviour of the typed money values `Price`, `Quantity` and `Money`: each wraps one
/// `FixedPoint` so they cannot be mixed by accident, compares numerically, prints and encodes as
/// the plain decimal string of its value ("0.00100").
public protocol FixedPointValue: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    var value: FixedPoint { get }
    init(_ value: FixedPoint)
}

extension FixedPointValue {
    /// Parses a decimal string exactly (see `FixedPoint.parse`). Throws `DecimalParseError`.
    public init(parsing text: String) throws {
        self.init(try FixedPoint.parse(text))
    }

    /// Zero at scale 0.
    public static var zero: Self { Self(.zero) }

    public var isZero: Bool { value.isZero }
    public var isNegative: Bool { value.isNegative }
    public var isPositive: Bool { value.isPositive }
    public var scale: UInt8 { value.scale }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }

    public var description: String { value.description }

    public init(from decoder: any Decoder) throws {
        self.init(try FixedPoint(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try value.encode(to: encoder)
    }
}
