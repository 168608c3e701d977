extension FixedPoint {
    /// The value as a `Double`, for indicator math and statistics only, never for money:
    /// `units / 10^scale`, correctly rounded (every power of ten up to 10^18 is exact in a `Double`).
    @inlinable
    public var doubleValue: Double {
        Double(units) / Self.doublePowersOfTen[Int(scale)]
    }

    /// 10^0 ... 10^maxScale.
    @usableFromInline
    static let doublePowersOfTen: [Double] = (0...Int(maxScale)).reduce(into: []) { powers, exponent in
        powers.append(exponent == 0 ? 1 : powers[exponent - 1] * 10)
    }
}
