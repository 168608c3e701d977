/// One Bollinger Bands reading.
public struct BollingerValue: Sendable, Hashable, Codable {
    public let upper: Double
    public let middle: Double
    public let lower: Double

    public init(upper: Double, middle: Double, lower: Double) {
        self.upper = upper
        self.middle = middle
        self.lower = lower
    }
}

/// Bollinger Bands (default 20, 2σ up and down) as TA-Lib's BBANDS with a simple moving
/// average: the middle band is the SMA; the deviation is the population one, from a running
/// sum of squares less the square of that SMA (a variance below 1e-8 reads as 0).
public struct BollingerBands: Indicator {
    public let period: Int
    public let deviationsUp: Double
    public let deviationsDown: Double
    private var moments: RunningMoments
    public private(set) var value: BollingerValue?

    /// `period` must be at least 1.
    public init(period: Int = 20, deviationsUp: Double = 2, deviationsDown: Double = 2) {
        precondition(period >= 1, "Bollinger period must be at least 1, got \(period)")
        self.period = period
        self.deviationsUp = deviationsUp
        self.deviationsDown = deviationsDown
        moments = RunningMoments(period: period)
    }

    @discardableResult
    public mutating func update(_ input: Double) -> BollingerValue? {
        guard let (middle, variance) = moments.add(input) else { return nil }
        let deviation = RunningMoments.deviation(variance)
        value = BollingerValue(
            upper: middle + deviation * deviationsUp, middle: middle, lower: middle - deviation * deviationsDown)
        return value
    }
}
