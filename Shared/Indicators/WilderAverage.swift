/// Wilder's smoothing as TA-Lib seeds it: the first value is the simple mean of the first
/// `period` inputs; after that `avg = (avg·(period − 1) + input) / period`.
struct WilderAverage: Sendable, Hashable, Codable {
    let period: Int
    private(set) var value: Double?
    private var seed: WarmUpAverage

    init(period: Int) {
        self.period = period
        self.seed = WarmUpAverage(count: period)
    }

    mutating func update(_ input: Double) -> Double? {
        if let current = value {
            value = (current * Double(period - 1) + input) / Double(period)
        } else {
            value = seed.add(input)
        }
        return value
    }
}
