/// Price acceleration: the rate of change over the last `period` bars minus the rate of change
/// over the `period` bars before those, in percent:
/// 100·(cₜ/cₜ₋ₚ − 1) − 100·(cₜ₋ₚ/cₜ₋₂ₚ − 1). Positive when price is speeding up. TA-Lib has
/// none. The first value comes on bar `2·period + 1`.
public struct PriceAcceleration: Indicator {
    public let period: Int
    /// The last `2·period + 1` closes.
    private var closes: RollingWindow
    public private(set) var value: Double?

    /// `period` must be at least 1.
    public init(period: Int) {
        precondition(period >= 1, "acceleration period must be at least 1, got \(period)")
        self.period = period
        closes = RollingWindow(capacity: 2 * period + 1)
    }

    @discardableResult
    public mutating func update(_ close: Double) -> Double? {
        closes.append(close)
        guard closes.isFull else { return nil }
        let earliest = closes[0], middle = closes[period]
        guard earliest > 0, middle > 0 else { return nil }
        value = 100 * (close / middle - 1) - 100 * (middle / earliest - 1)
        return value
    }
}
