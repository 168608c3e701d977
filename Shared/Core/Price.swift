/// A price in the quote currency (USDT for linear perps).
public struct Price: FixedPointValue {
    public let value: FixedPoint

    public init(_ value: FixedPoint) {
        self.value = value
    }

    /// The nearest valid price for an instrument's tick size, chosen by `mode`; the result has
    /// the tick's scale. Throws `FixedPointError` (tick must be > 0).
    public func rounded(toTick tick: Price, mode: RoundingMode) throws -> Price {
        Price(try value.rounded(toIncrement: tick.value, mode: mode))
    }

    /// Whether the price is a multiple of `tick`.
    public func isMultiple(ofTick tick: Price) -> Bool {
        value.isMultiple(of: tick.value)
    }

    /// Notional value of `quantity` at this price, exact (see `FixedPoint.multiplied(by:)`).
    public static func * (price: Price, quantity: Quantity) throws -> Money {
        Money(try price.value.multiplied(by: quantity.value))
    }

    /// Notional value of `quantity` at this price, rounded to `scale` with `rounding`.
    public func notional(of quantity: Quantity, scale: UInt8, rounding: RoundingMode) throws -> Money {
        Money(try value.multiplied(by: quantity.value, scale: scale, rounding: rounding))
    }
}
