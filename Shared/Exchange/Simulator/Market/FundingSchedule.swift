import Core

/// The funding rate per 8-hour period (periods start 00:00, 08:00 and 16:00 UTC): about
/// +0.01 % with a persistent wander of a few basis points, an occasional spike, and Bybit's
/// ±0.5 % cap. A function of the seed, symbol and period only, so any time can be asked.
enum FundingSchedule {
    static let periodMilliseconds: Int64 = 8 * 3_600_000
    /// Rates are in millionths (0.0001 = 100).
    static let scale: UInt8 = 6
    static let baseline: Int64 = 100
    static let cap: Int64 = 5_000

    static func period(of time: Timestamp) -> Int64 {
        time.milliseconds >= 0 ? time.milliseconds / periodMilliseconds : (time.milliseconds + 1) / periodMilliseconds - 1
    }

    static func rateUnits(seed: UInt64, symbol: Symbol, period: Int64) -> Int64 {
        func draw(_ period: Int64) -> Double {
            var generator = SplitMix64(seed: seed, symbol, 5, period)
            return generator.signedUnit()
        }
        // A moving average of three periods' draws: neighbouring periods are alike.
        var units = Double(baseline) + 80 * (0.5 * draw(period) + 0.3 * draw(period - 1) + 0.2 * draw(period - 2))
        var spike = SplitMix64(seed: seed, symbol, 6, period)
        if spike.chance(0.02) { units += spike.signedUnit() * 3_000 }
        return min(cap, max(-cap, Int64(units.rounded())))
    }

    static func rate(seed: UInt64, symbol: Symbol, at time: Timestamp) -> FixedPoint {
        let units = rateUnits(seed: seed, symbol: symbol, period: period(of: time))
        // Force-try is safe: |units| ≤ 5,000 at scale 6 is in range.
        return try! FixedPoint(units: units, scale: scale).normalized
    }
}
