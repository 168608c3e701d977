/// Average true range (default 14) with Wilder smoothing and TA-Lib's seeding: the first bar
/// only supplies a previous close; true ranges start on the second bar
/// (`max(high − low, |high − prevClose|, |low − prevClose|)`), the first ATR (on bar
/// `period + 1`) is the mean of the first `period` true ranges, then Wilder smoothing.
public struct ATR: Indicator {
    public let period: Int
    private var previousClose: Double?
    private var average: WilderAverage
    public private(set) var value: Double?

    /// `period` must be at least 1.
    public init(period: Int = 14) {
        precondition(period >= 1, "ATR period must be at least 1, got \(period)")
        self.period = period
        average = WilderAverage(period: period)
    }

    @discardableResult
    public mutating func update(_ bar: PriceBar) -> Double? {
        defer { previousClose = bar.close }
        guard let previousClose else { return nil }
        let trueRange = max(bar.high - bar.low, abs(bar.high - previousClose), abs(bar.low - previousClose))
        value = average.update(trueRange)
        return value
    }
}
