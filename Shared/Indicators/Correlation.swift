/// Pearson correlation of two series over the last `period` pairs (TA-Lib's CORREL, default
/// 30), from running sums kept as TA-Lib keeps them; 0 when either series is flat in the window.
/// The first value comes on pair `period`.
public struct Correlation: Indicator {
    public struct Pair: Sendable, Hashable, Codable {
        public let x: Double
        public let y: Double

        public init(_ x: Double, _ y: Double) {
            self.x = x
            self.y = y
        }
    }

    public let period: Int
    private var xs: RollingWindow
    private var ys: RollingWindow
    private var sumX = 0.0
    private var sumY = 0.0
    private var sumXY = 0.0
    private var sumX2 = 0.0
    private var sumY2 = 0.0
    public private(set) var value: Double?

    /// `period` must be at least 1.
    public init(period: Int = 30) {
        precondition(period >= 1, "correlation period must be at least 1, got \(period)")
        self.period = period
        xs = RollingWindow(capacity: period)
        ys = RollingWindow(capacity: period)
    }

    @discardableResult
    public mutating func update(_ pair: Pair) -> Double? {
        let leavingX = xs.append(pair.x)
        let leavingY = ys.append(pair.y)
        if let x = leavingX, let y = leavingY {
            sumX -= x
            sumX2 -= x * x
            sumXY -= x * y
            sumY -= y
            sumY2 -= y * y
        }
        sumX += pair.x
        sumX2 += pair.x * pair.x
        sumXY += pair.x * pair.y
        sumY += pair.y
        sumY2 += pair.y * pair.y
        guard xs.isFull else { return nil }
        let n = Double(period)
        let spread = (sumX2 - sumX * sumX / n) * (sumY2 - sumY * sumY / n)
        value = TALibTolerance.isZeroOrNegative(spread) ? 0 : (sumXY - sumX * sumY / n) / spread.squareRoot()
        return value
    }
}
