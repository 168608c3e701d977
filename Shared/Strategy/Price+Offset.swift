import Core

extension Price {
    /// Scale at which Double distances (ATR multiples) are turned into fixed-point before
    /// rounding to the tick; finer than any exchange tick.
    static let distanceScale: UInt8 = 10

    /// `self` moved by `distance` (positive = up), rounded to `tick` with `mode`; nil if the
    /// distance is not finite or the result does not fit.
    func offset(by distance: Double, tick: Price, mode: RoundingMode) -> Price? {
        var factor = 1.0
        for _ in 0..<Int(Self.distanceScale) { factor *= 10 }
        let units = (distance * factor).rounded()
        guard units.isFinite, abs(units) < 9.2e18,
              let step = try? FixedPoint(units: Int64(units), scale: Self.distanceScale),
              let moved = try? value.adding(step)
        else { return nil }
        return try? Price(moved).rounded(toTick: tick, mode: mode)
    }
}
