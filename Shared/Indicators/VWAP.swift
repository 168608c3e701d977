/// Volume-weighted average price anchored to sessions: Σ(typical price · volume) / Σ volume
/// over the bars of the current session, restarting with each session. Sessions are fixed
/// spans of `sessionMilliseconds` starting at `anchorOffsetMilliseconds` past the epoch's
/// midnight (the default: UTC days). nil while the session has no volume yet.
public struct VWAP: Indicator {
    public let sessionMilliseconds: Int64
    public let anchorOffsetMilliseconds: Int64
    private var session: Int64?
    private var priceVolume = 0.0
    private var volume = 0.0
    public private(set) var value: Double?

    public static let day: Int64 = 86_400_000
    /// Weeks starting Monday 00:00 UTC (the epoch began on a Thursday).
    public static let mondayOffset: Int64 = 4 * day

    /// `sessionMilliseconds` must be positive.
    public init(sessionMilliseconds: Int64 = VWAP.day, anchorOffsetMilliseconds: Int64 = 0) {
        precondition(sessionMilliseconds > 0, "VWAP session must be positive, got \(sessionMilliseconds) ms")
        self.sessionMilliseconds = sessionMilliseconds
        self.anchorOffsetMilliseconds = anchorOffsetMilliseconds % sessionMilliseconds
    }

    @discardableResult
    public mutating func update(_ bar: PriceBar) -> Double? {
        let current = (bar.openTime - anchorOffsetMilliseconds).floorDivided(by: sessionMilliseconds)
        if current != session {
            session = current
            priceVolume = 0
            volume = 0
            value = nil
        }
        priceVolume += bar.typicalPrice * bar.volume
        volume += bar.volume
        if volume > 0 { value = priceVolume / volume }
        return value
    }
}

extension Int64 {
    /// Division rounding towards −∞ (times before the anchor belong to the previous session).
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
