/// Population standard deviation over `period` inputs (TA-Lib's STDDEV), from running sums of
/// the inputs and their squares as TA-Lib keeps them; a variance below 1e-8 reads as 0, as in
/// TA-Lib. Also exposes the window's mean, for z-scores. The first value comes on input `period`.
public struct StandardDeviation: Indicator {
    public let period: Int
    /// The multiplier applied to the deviation (TA-Lib's `nbDev`).
    public let deviations: Double
    private var moments: RunningMoments
    public private(set) var value: Double?
    /// The mean of the last full window.
    public private(set) var mean: Double?

    /// `period` must be at least 1.
    public init(period: Int, deviations: Double = 1) {
        precondition(period >= 1, "standard deviation period must be at least 1, got \(period)")
        self.period = period
        self.deviations = deviations
        moments = RunningMoments(period: period)
    }

    @discardableResult
    public mutating func update(_ input: Double) -> Double? {
        guard let (mean, variance) = moments.add(input) else { return nil }
        self.mean = mean
        value = RunningMoments.deviation(variance) * deviations
        return value
    }
}
