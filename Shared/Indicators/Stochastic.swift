/// One stochastic oscillator reading.
public struct StochasticValue: Sendable, Hashable, Codable {
    /// Slow %K: the SMA of fast %K.
    public let k: Double
    /// Slow %D: the SMA of slow %K.
    public let d: Double

    public init(k: Double, d: Double) {
        self.k = k
        self.d = d
    }
}

/// Slow stochastic oscillator as TA-Lib's STOCH with simple moving averages (default 5, 3, 3):
/// fast %K = 100·(close − lowest low)/(highest high − lowest low) over `kPeriod` bars (0 when
/// the range is 0), slow %K its `kSmoothing`-bar SMA, %D the `dPeriod`-bar SMA of slow %K. The
/// first value comes on bar `kPeriod + kSmoothing + dPeriod − 2`.
public struct Stochastic: Indicator {
    public let kPeriod: Int
    private var extremes: RollingRange
    private var slowK: SMA
    private var slowD: SMA
    public private(set) var value: StochasticValue?

    /// Periods must be at least 1.
    public init(kPeriod: Int = 5, kSmoothing: Int = 3, dPeriod: Int = 3) {
        precondition(kPeriod >= 1 && kSmoothing >= 1 && dPeriod >= 1, "stochastic periods must be at least 1")
        self.kPeriod = kPeriod
        extremes = RollingRange(period: kPeriod)
        slowK = SMA(period: kSmoothing)
        slowD = SMA(period: dPeriod)
    }

    @discardableResult
    public mutating func update(_ bar: PriceBar) -> StochasticValue? {
        let (high, low) = extremes.update(high: bar.high, low: bar.low)
        guard extremes.isFull else { return nil }
        let range = (high - low) / 100
        let fastK = range != 0 ? (bar.close - low) / range : 0
        guard let k = slowK.update(fastK), let d = slowD.update(k) else { return nil }
        value = StochasticValue(k: k, d: d)
        return value
    }
}
