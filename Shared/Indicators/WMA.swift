/// Linearly weighted moving average: weights 1 (oldest) ... `period` (newest), divided by
/// `period·(period + 1)/2`. Kept as TA-Lib keeps it: a weighted sum that loses one plain sum of
/// the window per bar, so results match TA-Lib's. The first value comes on input `period`.
public struct WMA: Indicator {
    public let period: Int
    private var window: RollingWindow
    /// Σ weight·input over the window, the weights already shifted down for the next bar.
    private var weightedSum = 0.0
    /// Σ input over the window, less the oldest once it has left.
    private var plainSum = 0.0
    /// The oldest input of the last full window, to subtract from `plainSum` next.
    private var trailing = 0.0
    public private(set) var value: Double?

    /// `period` must be at least 1.
    public init(period: Int) {
        precondition(period >= 1, "WMA period must be at least 1, got \(period)")
        self.period = period
        window = RollingWindow(capacity: period)
    }

    @discardableResult
    public mutating func update(_ input: Double) -> Double? {
        window.append(input)
        guard window.isFull else {
            plainSum += input
            weightedSum += input * Double(window.count)
            return nil
        }
        plainSum += input
        plainSum -= trailing
        weightedSum += input * Double(period)
        trailing = window.oldest
        value = weightedSum / (Double(period * (period + 1)) / 2)
        weightedSum -= plainSum
        return value
    }
}
