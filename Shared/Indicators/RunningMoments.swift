/// The mean and population variance of the last `period` inputs, from running sums of the
/// inputs and their squares kept in TA-Lib's order (add the input, read, then take out the
/// oldest), so that values built on them match TA-Lib's.
struct RunningMoments: Sendable, Hashable, Codable {
    private var window: RollingWindow
    private var total = 0.0
    private var totalOfSquares = 0.0

    init(period: Int) {
        window = RollingWindow(capacity: period)
    }

    /// Adds `input`; nil until `period` inputs were seen.
    mutating func add(_ input: Double) -> (mean: Double, variance: Double)? {
        total += input
        totalOfSquares += input * input
        window.append(input)
        guard window.isFull else { return nil }
        let count = Double(window.capacity)
        let mean = total / count
        let meanOfSquares = totalOfSquares / count
        let oldest = window.oldest
        total -= oldest
        totalOfSquares -= oldest * oldest
        return (mean, meanOfSquares - mean * mean)
    }

    /// √variance, or 0 for a variance TA-Lib treats as zero (below 1e-8).
    static func deviation(_ variance: Double) -> Double {
        TALibTolerance.isZeroOrNegative(variance) ? 0 : variance.squareRoot()
    }
}
