/// The simple mean of the first `count` inputs, which TA-Lib uses to seed its exponential and
/// Wilder averages. Returns the mean once, on the `count`-th input; nil before and after.
struct WarmUpAverage: Sendable, Hashable, Codable {
    let count: Int
    private(set) var sum = 0.0
    private(set) var seen = 0

    init(count: Int) {
        self.count = count
    }

    var isComplete: Bool { seen >= count }

    mutating func add(_ input: Double) -> Double? {
        guard !isComplete else { return nil }
        sum += input
        seen += 1
        return isComplete ? sum / Double(count) : nil
    }
}
