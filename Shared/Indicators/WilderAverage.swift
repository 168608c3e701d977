/// Wilder's smoothing as TA-Lib seeds it: the first value is the simple mean of the first
/// `period` inputs; after that `avg = avg·(period − 1)/period + input/period` (TA-Lib divides
/// `avg·(period − 1) + input` by `period`; the same value to ~1e-15, but the step carried from
/// bar to bar is one fused multiply-add rather than a division; see `smoothingStep`).
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
            value = smoothingStep(current, kept: Self.retained(period), input: input, weight: Self.weight(period))
        } else {
            value = seed.add(input)
        }
        return value
    }

    /// The share of the previous average kept, `(period − 1) / period`.
    static func retained(_ period: Int) -> Double { Double(period - 1) / Double(period) }
    /// The weight of a new input, `1 / period`.
    static func weight(_ period: Int) -> Double { 1 / Double(period) }
}
