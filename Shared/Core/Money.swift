/// An amount of a settlement currency (notional, fee, PnL, balance); may be negative.
public struct Money: FixedPointValue {
    public let value: FixedPoint

    public init(_ value: FixedPoint) {
        self.value = value
    }

    public static func + (lhs: Money, rhs: Money) throws -> Money {
        Money(try lhs.value.adding(rhs.value))
    }

    public static func - (lhs: Money, rhs: Money) throws -> Money {
        Money(try lhs.value.subtracting(rhs.value))
    }

    public func negated() throws -> Money {
        Money(try value.negated())
    }

    /// The amount at `scale` (e.g. a currency's display precision), rounded with `mode`.
    public func rounded(scale: UInt8, mode: RoundingMode) throws -> Money {
        Money(try value.rounded(scale: scale, mode: mode))
    }
}
