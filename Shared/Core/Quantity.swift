/// An amount of the base asset (contracts or coins, e.g. BTC for BTCUSDT).
public struct Quantity: FixedPointValue {
    public let value: FixedPoint

    public init(_ value: FixedPoint) {
        self.value = value
    }

    /// The nearest valid quantity for an instrument's quantity step, chosen by `mode` (sizing
    /// normally uses `.towardZero` so an order never exceeds its budget); the result has the
    /// step's scale. Throws `FixedPointError` (step must be > 0).
    public func rounded(toStep step: Quantity, mode: RoundingMode) throws -> Quantity {
        Quantity(try value.rounded(toIncrement: step.value, mode: mode))
    }

    /// Whether the quantity is a multiple of `step`.
    public func isMultiple(ofStep step: Quantity) -> Bool {
        value.isMultiple(of: step.value)
    }

    public static func + (lhs: Quantity, rhs: Quantity) throws -> Quantity {
        Quantity(try lhs.value.adding(rhs.value))
    }

    public static func - (lhs: Quantity, rhs: Quantity) throws -> Quantity {
        Quantity(try lhs.value.subtracting(rhs.value))
    }

    /// Notional value at `price`, exact; same as `price * quantity`.
    public static func * (quantity: Quantity, price: Price) throws -> Money {
        try price * quantity
    }
}
