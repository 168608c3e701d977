import Foundation

/// Realised volatility: the population standard deviation of the last `period` log returns
/// ln(closeₜ / closeₜ₋₁), per bar (not annualised: multiply by √(bars per year) for that).
/// The first value comes on bar `period + 1`.
public struct RollingVolatility: Indicator {
    private var previous: Double?
    private var deviation: StandardDeviation
    public private(set) var value: Double?

    /// `period` must be at least 1.
    public init(period: Int = 20) {
        deviation = StandardDeviation(period: period)
    }

    @discardableResult
    public mutating func update(_ close: Double) -> Double? {
        defer { previous = close }
        guard let previous, previous > 0, close > 0 else { return nil }
        value = deviation.update(log(close / previous))
        return value
    }
}

/// How many standard deviations the input lies from the mean of the last `period` inputs
/// (itself included): (x − mean) / σ, and 0 when σ is 0. The first value comes on input `period`.
public struct ZScore: Indicator {
    private var deviation: StandardDeviation
    public private(set) var value: Double?

    /// `period` must be at least 1.
    public init(period: Int = 20) {
        deviation = StandardDeviation(period: period)
    }

    @discardableResult
    public mutating func update(_ input: Double) -> Double? {
        guard let sigma = deviation.update(input), let mean = deviation.mean else { return nil }
        value = sigma > 0 ? (input - mean) / sigma : 0
        return value
    }
}
