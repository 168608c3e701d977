/// Relative strength index (default 14) with Wilder smoothing and TA-Lib's seeding: the first
/// value comes on input `period + 1`, from the mean gain and mean loss of the first `period`
/// changes; after that both averages are Wilder-smoothed.
/// `RSI = 100 · avgGain / (avgGain + avgLoss)`, and 0 when both are zero (a flat series), as
/// TA-Lib does. Always within 0...100.
public struct RSI: Indicator {
    public let period: Int
    private var previous: Double?
    private var gains: WilderAverage
    private var losses: WilderAverage
    public private(set) var value: Double?

    /// `period` must be at least 1.
    public init(period: Int = 14) {
        precondition(period >= 1, "RSI period must be at least 1, got \(period)")
        self.period = period
        gains = WilderAverage(period: period)
        losses = WilderAverage(period: period)
    }

    @discardableResult
    public mutating func update(_ input: Double) -> Double? {
        defer { previous = input }
        guard let previous else { return nil }
        let change = input - previous
        let gain = gains.update(max(change, 0))
        let loss = losses.update(max(-change, 0))
        guard let gain, let loss else { return nil }
        let total = gain + loss
        value = total > 0 ? 100 * (gain / total) : 0
        return value
    }
}
