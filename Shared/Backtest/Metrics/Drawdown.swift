import Core
import Indicators

/// Drawdowns of an equity curve. A drawdown at a point is how far equity is below the highest
/// equity before it (the peak); an episode runs from a peak until equity is back at or above it
/// (or the curve ends).
public struct Drawdown: Sendable, Hashable {
    /// The largest drawdown as a fraction of its peak, `(peak − equity) / peak` (0...; 0 when
    /// equity never falls; needs positive peaks).
    public let maximum: Double
    /// The largest drawdown as an amount, `peak − equity` (≥ 0). It can come from another
    /// episode than `maximum` when equity grew in between.
    public let maximumAmount: Money
    /// How long the episode with the largest fractional drawdown lasted: from its peak until
    /// equity was back at the peak, or until the curve's end if it never was. 0 without one.
    public let maximumDuration: Int64
    /// The longest episode of any depth, in milliseconds, measured the same way.
    public let longestDuration: Int64

    /// `curve`: oldest first, non-empty.
    init(_ curve: [EquityPoint]) throws {
        var peak = curve[0]
        var underwater = false
        var maximum = 0.0
        var maximumAmount = Money.zero
        var maximumPeak: Timestamp?
        var maximumDuration: Int64 = 0
        var longest: Int64 = 0
        func endEpisode(at time: Timestamp) {
            let duration = time.milliseconds - peak.time.milliseconds
            longest = max(longest, duration)
            if maximumPeak == peak.time { maximumDuration = duration }
        }
        for point in curve.dropFirst() {
            if point.equity >= peak.equity {
                if underwater { endEpisode(at: point.time) }
                underwater = false
                peak = point
                continue
            }
            underwater = true
            let amount = try peak.equity - point.equity
            maximumAmount = max(maximumAmount, amount)
            let fraction = amount.value.doubleValue / peak.equity.value.doubleValue
            if fraction > maximum {
                maximum = fraction
                maximumPeak = peak.time
            }
        }
        if underwater, let last = curve.last { endEpisode(at: last.time) }
        self.maximum = maximum
        self.maximumAmount = maximumAmount
        self.maximumDuration = maximumDuration
        self.longestDuration = longest
    }
}
