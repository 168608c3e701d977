/// Simple moving average over `period` inputs, as a running total that each bar changes by
/// (input − the input leaving the window). The change is worked out beside the total, so the
/// bar-to-bar chain is one addition, half TA-Lib's (which adds the input and subtracts the
/// oldest in turn); results agree with TA-Lib's far inside 1e-9. The first value comes on the
/// `period`-th input.
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
        total = windowTotal(total, adding: input, removing: window.append(input), period: period)
        guard window.isFull else { return nil }
        value = total / Double(period)
        return value
    }
}

/// A moving window's running total once `input` came in and `departing` left (nil while the
/// window fills). The change is worked out beside the total, so consecutive bars chain one
/// addition. A one-input window's total is its input, exactly.
@inline(__always)
func windowTotal(_ total: Double, adding input: Double, removing departing: Double?, period: Int) -> Double {
    guard let departing else { return total + input }
    return period == 1 ? input : total + (input - departing)
}
