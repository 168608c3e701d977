// Exact, overflow-checked arithmetic. Mixed scales align to the larger scale, which is exact;
// intermediates are 128-bit, so only the final narrowing to Int64 units can overflow.

extension FixedPoint {
    /// `self + other` at scale `max(self.scale, other.scale)`. Throws `.overflow`.
    public func adding(_ other: FixedPoint) throws -> FixedPoint {
        let scale = max(self.scale, other.scale)
        let sum = wideUnits(atScale: scale) + other.wideUnits(atScale: scale)
        return FixedPoint(uncheckedUnits: try Decimal10.narrow(sum), scale: scale)
    }

    /// `self - other` at scale `max(self.scale, other.scale)`. Throws `.overflow`.
    public func subtracting(_ other: FixedPoint) throws -> FixedPoint {
        let scale = max(self.scale, other.scale)
        let difference = wideUnits(atScale: scale) - other.wideUnits(atScale: scale)
        return FixedPoint(uncheckedUnits: try Decimal10.narrow(difference), scale: scale)
    }

    /// `-self`. Throws `.overflow` for `Int64.min` units.
    public func negated() throws -> FixedPoint {
        let (units, overflow) = Int64(0).subtractingReportingOverflow(units)
        guard !overflow else { throw FixedPointError.overflow }
        return FixedPoint(uncheckedUnits: units, scale: scale)
    }

    /// The exact product. Its scale is `self.scale + other.scale`; only when that does not fit
    /// (scale above 18, or units beyond Int64) are trailing zeros dropped until it does, which is
    /// still exact. Throws `.scaleTooLarge` when the exact product needs more than 18 fractional
    /// digits and `.overflow` when it is too large. Use `multiplied(by:scale:rounding:)` to round.
    public func multiplied(by other: FixedPoint) throws -> FixedPoint {
        var product = Int128(units) * Int128(other.units)
        var scale = Int(self.scale) + Int(other.scale)
        while scale > 0 && (scale > Int(Self.maxScale) || Int64(exactly: product) == nil) && product % 10 == 0 {
            product /= 10
            scale -= 1
        }
        guard scale <= Int(Self.maxScale) else { throw FixedPointError.scaleTooLarge(scale) }
        return FixedPoint(uncheckedUnits: try Decimal10.narrow(product), scale: UInt8(scale))
    }

    /// The product at exactly `scale` fractional digits, rounded with `rounding`.
    /// Throws `.scaleTooLarge` or `.overflow`.
    public func multiplied(by other: FixedPoint, scale: UInt8, rounding: RoundingMode) throws -> FixedPoint {
        guard scale <= Self.maxScale else { throw FixedPointError.scaleTooLarge(Int(scale)) }
        let product = Int128(units) * Int128(other.units)
        let productScale = Int(self.scale) + Int(other.scale)
        let units: Int128
        if Int(scale) >= productScale {
            let (scaled, overflow) = product.multipliedReportingOverflow(by: Decimal10.power(Int(scale) - productScale))
            guard !overflow else { throw FixedPointError.overflow }
            units = scaled
        } else {
            units = Decimal10.divide(product, by: Decimal10.power(productScale - Int(scale)), mode: rounding)
        }
        return FixedPoint(uncheckedUnits: try Decimal10.narrow(units), scale: scale)
    }

    /// `self / divisor` at exactly `scale` fractional digits, rounded with `rounding`.
    /// Throws `.divisionByZero`, `.scaleTooLarge` or `.overflow`.
    public func divided(by divisor: FixedPoint, scale: UInt8, rounding: RoundingMode) throws -> FixedPoint {
        guard scale <= Self.maxScale else { throw FixedPointError.scaleTooLarge(Int(scale)) }
        guard divisor.units != 0 else { throw FixedPointError.divisionByZero }
        // result units = self.units * 10^(divisor.scale + scale) / (divisor.units * 10^self.scale)
        let numerator = UInt128(units.magnitude)
        let denominator = UInt128(divisor.units.magnitude) * UInt128(Decimal10.power(Int(self.scale)))
        let limit = UInt128(Int64.max.magnitude) + 1  // |Int64.min|
        // Long division one decimal digit at a time keeps every intermediate below 10 * denominator.
        var quotient = numerator / denominator
        var remainder = numerator % denominator
        for _ in 0..<(Int(divisor.scale) + Int(scale)) {
            guard quotient <= limit else { throw FixedPointError.overflow }
            remainder *= 10
            quotient = quotient * 10 + remainder / denominator
            remainder %= denominator
        }
        guard quotient <= limit else { throw FixedPointError.overflow }
        let negative = (units < 0) != (divisor.units < 0)
        if remainder != 0 && Decimal10.roundsAway(negative: negative, remainder: remainder, divisor: denominator, mode: rounding) {
            quotient += 1
        }
        let signed = Int128(quotient)
        return FixedPoint(uncheckedUnits: try Decimal10.narrow(negative ? -signed : signed), scale: scale)
    }

    /// `try a + b`: see `adding(_:)`.
    public static func + (lhs: FixedPoint, rhs: FixedPoint) throws -> FixedPoint {
        try lhs.adding(rhs)
    }

    /// `try a - b`: see `subtracting(_:)`.
    public static func - (lhs: FixedPoint, rhs: FixedPoint) throws -> FixedPoint {
        try lhs.subtracting(rhs)
    }

    /// `try a * b`: the exact product, see `multiplied(by:)`.
    public static func * (lhs: FixedPoint, rhs: FixedPoint) throws -> FixedPoint {
        try lhs.multiplied(by: rhs)
    }
}
