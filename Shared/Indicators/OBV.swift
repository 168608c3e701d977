/// On-balance volume as TA-Lib's OBV: the first bar's volume, then each bar's volume added
/// when its close is above the previous close, subtracted when below. A value from the first bar.
public struct OBV: Indicator {
    private var previousClose: Double?
    public private(set) var value: Double?

    public init() {}

    @discardableResult
    public mutating func update(_ bar: PriceBar) -> Double? {
        defer { previousClose = bar.close }
        guard let previousClose, let current = value else {
            value = bar.volume
            return value
        }
        value = current + Self.signedVolume(bar.volume, close: bar.close, previousClose: previousClose)
        return value
    }

    /// The volume with the sign of the close's move (+0 when unchanged), computed without a
    /// branch (up and down closes alternate unpredictably): both comparisons as one vector mask.
    /// Adding −v equals subtracting v exactly.
    @inline(__always)
    static func signedVolume(_ volume: Double, close: Double, previousClose: Double) -> Double {
        let upDown = SIMD2(close, previousClose) .> SIMD2(previousClose, close)
        let ones = SIMD2<Double>(repeating: 0).replacing(with: 1, where: upDown)
        return (ones.x - ones.y) * volume
    }
}
