/// One directional movement reading.
public struct DirectionalValue: Sendable, Hashable, Codable {
    /// +DI: 100 · smoothed +DM / smoothed true range.
    public let plusDI: Double
    /// −DI: 100 · smoothed −DM / smoothed true range.
    public let minusDI: Double
    /// ADX: Wilder's average of DX = 100·|+DI − −DI|/(+DI + −DI); nil for its first
    /// `period − 1` bars after the DIs start.
    public let adx: Double?

    public init(plusDI: Double, minusDI: Double, adx: Double?) {
        self.plusDI = plusDI
        self.minusDI = minusDI
        self.adx = adx
    }
}

/// Wilder's directional movement system (+DI, −DI, ADX; default 14) as TA-Lib computes
/// PLUS_DI, MINUS_DI and ADX. From the second bar each bar gives +DM (the rise of the high, if
/// it beats the fall of the low), −DM (the converse) and the true range. The first
/// `period − 1` of each are summed; from then on each sum is Wilder-smoothed
/// (`s − s/period + x`) and the DIs are read (first on bar `period + 1`, 0 while the smoothed
/// range is 0). ADX is the mean of the first `period` DXs (first on bar `2·period`), then
/// Wilder's average; a bar whose DX is undefined (no range, or both DIs 0) leaves it as it was.
public struct DirectionalMovement: Indicator {
    public let period: Int
    /// The previous bar's high, low and close (only these are read; a whole bar is twice the state).
    private var previousHigh = 0.0
    private var previousLow = 0.0
    private var previousClose = 0.0
    /// Bars seen before the one being read: while reading bar k it is the k − 1 movements so far.
    private var moves = 0
    private var plusDM = 0.0
    private var minusDM = 0.0
    private var trueRange = 0.0
    private var sumDX = 0.0
    private var adx: Double?
    public private(set) var value: DirectionalValue?

    /// `period` must be at least 2.
    public init(period: Int = 14) {
        precondition(period >= 2, "directional movement period must be at least 2, got \(period)")
        self.period = period
    }

    @discardableResult
    public mutating func update(_ bar: PriceBar) -> DirectionalValue? {
        defer {
            previousHigh = bar.high
            previousLow = bar.low
            previousClose = bar.close
            moves += 1
        }
        guard moves > 0 else { return nil }
        let rise = bar.high - previousHigh
        let fall = previousLow - bar.low
        let range = max(bar.high - bar.low, abs(bar.high - previousClose), abs(bar.low - previousClose))
        let n = Double(period)
        if moves < period {
            if fall > 0 && rise < fall { minusDM += fall } else if rise > 0 && rise > fall { plusDM += rise }
            trueRange += range
            return nil
        }
        minusDM -= minusDM / n
        plusDM -= plusDM / n
        if fall > 0 && rise < fall { minusDM += fall } else if rise > 0 && rise > fall { plusDM += rise }
        trueRange = trueRange - trueRange / n + range

        var plusDI = 0.0
        var minusDI = 0.0
        var dx: Double?
        if !TALibTolerance.isZero(trueRange) {
            minusDI = 100 * (minusDM / trueRange)
            plusDI = 100 * (plusDM / trueRange)
            let total = minusDI + plusDI
            if !TALibTolerance.isZero(total) { dx = 100 * (abs(minusDI - plusDI) / total) }
        }
        if let current = adx {
            if let dx { adx = (current * (n - 1) + dx) / n }
        } else {
            sumDX += dx ?? 0
            if moves == 2 * period - 1 { adx = sumDX / n }
        }
        value = DirectionalValue(plusDI: plusDI, minusDI: minusDI, adx: adx)
        return value
    }
}
