/// Linearly weighted moving average: weights 1 (oldest) ... `period` (newest), divided by
/// `period·(period + 1)/2`. Kept as two running sums that each bar changes by one addition, the
/// change worked out beside them, so the bar-to-bar chain is one addition (TA-Lib's has two);
/// results agree with TA-Lib's far inside 1e-9. The first value comes on input `period`.
public struct WMA: Indicator {
    public let period: Int
    private var window: RollingWindow
    /// Σ weight·input over the window, the weights already shifted down for the next bar.
    private var shiftedSum = 0.0
    /// Σ input over the window.
    private var plainSum = 0.0
    public private(set) var value: Double?

    /// `period` must be at least 1.
    public init(period: Int) {
        precondition(period >= 1, "WMA period must be at least 1, got \(period)")
        self.period = period
        window = RollingWindow(capacity: period)
    }

    @discardableResult
    public mutating func update(_ input: Double) -> Double? {
        plainSum = windowTotal(plainSum, adding: input, removing: window.append(input), period: period)
        guard window.isFull else {
            shiftedSum += input * Double(window.count)
            return nil
        }
        let weighted = input * Double(period)
        value = (shiftedSum + weighted) / (Double(period * (period + 1)) / 2)
        shiftedSum += weighted - plainSum
        return value
    }
}
