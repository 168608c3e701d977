import Core

/// Tuning for `MACDRSIStrategy`. One strategy instance serves one symbol and timeframe; the
/// tick size is that symbol's.
public struct MACDRSIConfiguration: Sendable, Hashable, Codable {
    /// The strategy name written into intents and their ids.
    public var name = "macd_rsi"
    /// The instrument's price tick; stops and take-profits are rounded to it.
    public var tickSize: Price
    public var macdFast = 12
    public var macdSlow = 26
    public var macdSignal = 9
    public var rsiPeriod = 14
    public var atrPeriod = 14
    /// RSI range that confirms a long entry (default 50 < RSI < 70).
    public var longRSI = RSIBounds(lower: 50, upper: 70)
    /// RSI range that confirms a short entry (default 30 < RSI < 50).
    public var shortRSI = RSIBounds(lower: 30, upper: 50)
    /// Stop distance from the entry in ATRs.
    public var stopMultiplier = 1.5
    /// Take-profit distance from the entry in ATRs.
    public var takeProfitMultiplier = 3.0

    public init(tickSize: Price) {
        self.tickSize = tickSize
    }
}
