import Core

extension Sequence<Money> {
    /// The exact sum (at the largest scale among the amounts); zero when empty.
    func sum() throws -> Money {
        try reduce(Money.zero) { try $0 + $1 }
    }
}

extension Money {
    /// The amount divided by `count`, rounded half away from zero to the amount's scale or 8
    /// decimals, whichever is finer; nil when `count` is 0.
    func average(over count: Int) throws -> Money? {
        guard count > 0 else { return nil }
        return Money(try value.divided(by: FixedPoint(integer: Int64(count)), scale: Swift.max(scale, 8), rounding: .nearest))
    }
}
