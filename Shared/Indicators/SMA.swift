/// Simple moving average over `period` inputs, kept as TA-Lib keeps it: a running total to
/// which each input is added and from which the oldest is subtracted once used, so results
/// match TA-Lib's to the last bits. The first value comes on the `period`-th input.
public struct SMA: Indicator {
    public let period: Int
    private var window: RollingWindow
    private var total = 0.0
    public private(set) var value: Double?

    /// `period` must be at least 1.
    public init(period: Int) {
        precondition(period >= 1, "SMA period must be at least 1, got \(period)")
        self.period = period
        window = RollingWindow(capacity: period)
    }

    @discardableResult
    public mutating func update(_ input: Double) -> Double? {
        total += input
        window.append(input)
        guard window.isFull else { return nil }
        value = total / Double(period)
        total -= window.oldest
        return value
    }
}
