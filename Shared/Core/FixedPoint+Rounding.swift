// Changing scale, and rounding to an instrument's tick size or quantity step.

extension FixedPoint {
    /// The same value at `scale`. Raising the scale is exact (and throws `.overflow` if the units
    /// no longer fit); lowering it throws `.inexact` if a non-zero digit would be dropped.
    public func rescaled(to scale: UInt8) throws -> FixedPoint {
        guard scale <= Self.maxScale else { throw FixedPointError.scaleTooLarge(Int(scale)) }
        if scale >= self.scale {
            return FixedPoint(uncheckedUnits: try Decimal10.narrow(wideUnits(atScale: scale)), scale: scale)
        }
        let divisor = Decimal10.power(Int(self.scale - scale))
        let wide = Int128(units)
        guard wide % divisor == 0 else { throw FixedPointError.inexact }
        return FixedPoint(uncheckedUnits: Int64(wide / divisor), scale: scale)
    }

    /// The value at `scale`, rounded with `mode` when digits are dropped.
    /// Throws `.scaleTooLarge`, or `.overflow` (raising the scale, or rounding `up` at the edge).
    public func rounded(scale: UInt8, mode: RoundingMode) throws -> FixedPoint {
        guard scale <= Self.maxScale else { throw FixedPointError.scaleTooLarge(Int(scale)) }
        if scale >= self.scale {
            return try rescaled(to: scale)
        }
        let units = Decimal10.divide(Int128(units), by: Decimal10.power(Int(self.scale - scale)), mode: mode)
        return FixedPoint(uncheckedUnits: try Decimal10.narrow(units), scale: scale)
    }

    /// The multiple of `increment` (a tick size or quantity step) chosen by `mode`.
    ///
    /// The result carries the increment's scale: rounding 1.2345 to 0.01 gives "1.23", and
    /// rounding 5 to 0.50 gives "5.00". Negative values round like positive ones, in the
    /// direction the mode names (`.down` is toward −∞). Throws `.nonPositiveIncrement` unless
    /// `increment > 0`, and `.overflow` if the result does not fit.
    public func rounded(toIncrement increment: FixedPoint, mode: RoundingMode) throws -> FixedPoint {
        guard increment.units > 0 else { throw FixedPointError.nonPositiveIncrement(increment) }
        let common = max(scale, increment.scale)
        let step = increment.wideUnits(atScale: common)
        let multiples = Decimal10.divide(wideUnits(atScale: common), by: step, mode: mode)
        // A multiple of the increment is exact at the increment's scale.
        let (units, overflow) = multiples.multipliedReportingOverflow(by: Int128(increment.units))
        guard !overflow else { throw FixedPointError.overflow }
        return FixedPoint(uncheckedUnits: try Decimal10.narrow(units), scale: increment.scale)
    }

    /// Whether `self` is an integer multiple of `increment` (e.g. a valid price for a tick size).
    /// The sign of `increment` does not matter; only zero is a multiple of zero.
    public func isMultiple(of increment: FixedPoint) -> Bool {
        let common = max(scale, increment.scale)
        let step = increment.wideUnits(atScale: common)
        let value = wideUnits(atScale: common)
        if step == 0 { return value == 0 }
        return value % step == 0
    }
}
