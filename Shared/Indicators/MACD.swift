/// One MACD reading.
public struct MACDValue: Sendable, Hashable, Codable {
    /// Fast EMA − slow EMA.
    public let macd: Double
    /// EMA of `macd` over the signal period.
    public let signal: Double
    /// `macd − signal`.
    public let histogram: Double

    public init(macd: Double, signal: Double, histogram: Double) {
        self.macd = macd
        self.signal = signal
        self.histogram = histogram
    }
}

/// MACD (default 12/26/9) with TA-Lib's alignment: the fast EMA skips the first
/// `slow − fast` inputs so both EMAs produce their first (SMA-seeded) value on the same bar;
/// the signal EMA is seeded with the mean of the first `signal` MACD values. The first output
/// therefore comes on input number `slow + signal − 1` (34 for 12/26/9).
public struct MACD: Indicator {
    public let fastPeriod: Int
    public let slowPeriod: Int
    public let signalPeriod: Int
    private var fast: EMA
    private var slow: EMA
    private var signal: EMA
    /// Inputs the fast EMA still has to skip.
    private var fastSkip: Int
    public private(set) var value: MACDValue?

    /// Periods must be at least 1 and `fast < slow`.
    public init(fast: Int = 12, slow: Int = 26, signal: Int = 9) {
        precondition(fast >= 1 && signal >= 1 && fast < slow, "MACD needs 1 ≤ fast < slow and signal ≥ 1")
        fastPeriod = fast
        slowPeriod = slow
        signalPeriod = signal
        self.fast = EMA(period: fast)
        self.slow = EMA(period: slow)
        self.signal = EMA(period: signal)
        fastSkip = slow - fast
    }

    @discardableResult
    public mutating func update(_ input: Double) -> MACDValue? {
        let slowValue = slow.update(input)
        if fastSkip > 0 {
            fastSkip -= 1
            return nil
        }
        let fastValue = fast.update(input)
        guard let fastValue, let slowValue else { return nil }
        let line = fastValue - slowValue
        guard let signalValue = signal.update(line) else { return nil }
        value = MACDValue(macd: line, signal: signalValue, histogram: line - signalValue)
        return value
    }
}
