/// Exponential moving average with TA-Lib's seeding: the first value (at the `period`-th input)
/// is the simple mean of the first `period` inputs; after that `ema = (1 − α)·ema + α·input`
/// with `α = 2 / (period + 1)`. (Written so, the step that carries from bar to bar is one
/// multiply and one add, which sets the batch speed; it matches TA-Lib's values to ~1e-15.)
public struct EMA: Indicator {
    public let period: Int
    public private(set) var value: Double?
    private var seed: WarmUpAverage

    /// `period` must be at least 1.
    public init(period: Int) {
        precondition(period >= 1, "EMA period must be at least 1, got \(period)")
        self.period = period
        self.seed = WarmUpAverage(count: period)
    }

    public var smoothing: Double { 2.0 / Double(period + 1) }
    /// What is kept of the previous value, `1 − smoothing`.
    public var decay: Double { 1 - smoothing }

    @discardableResult
    public mutating func update(_ input: Double) -> Double? {
        if let current = value {
            value = smoothingStep(current, kept: decay, input: input, weight: smoothing)
        } else {
            value = seed.add(input)
        }
        return value
    }
}
