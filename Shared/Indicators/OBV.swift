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
        if bar.close > previousClose {
            value = current + bar.volume
        } else if bar.close < previousClose {
            value = current - bar.volume
        }
        return value
    }
}
