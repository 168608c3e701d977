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

    /// Throws the first setting a strategy cannot run with.
    public func validate() throws(StrategyConfigurationError) {
        func refuse(_ field: String, _ reason: String) -> StrategyConfigurationError {
            StrategyConfigurationError(field: field, reason: reason)
        }
        guard !name.isEmpty else { throw refuse("name", "is empty") }
        guard tickSize.isPositive else { throw refuse("tickSize", "\(tickSize) must be greater than zero") }
        for (field, period) in [("macdFast", macdFast), ("macdSlow", macdSlow), ("macdSignal", macdSignal), ("rsiPeriod", rsiPeriod), ("atrPeriod", atrPeriod)]
        where period < 1 {
            throw refuse(field, "\(period) must be at least 1")
        }
        guard macdFast < macdSlow else { throw refuse("macdFast", "\(macdFast) must be below macdSlow \(macdSlow)") }
        for (field, bounds) in [("longRSI", longRSI), ("shortRSI", shortRSI)]
        where !(0 <= bounds.lower && bounds.lower < bounds.upper && bounds.upper <= 100) {
            throw refuse(field, "\(bounds.lower) ..< \(bounds.upper) must be an interval within 0...100")
        }
        for (field, multiplier) in [("stopMultiplier", stopMultiplier), ("takeProfitMultiplier", takeProfitMultiplier)]
        where !(multiplier.isFinite && multiplier > 0) {
            throw refuse(field, "\(multiplier) must be a positive number")
        }
    }
}

/// A strategy setting that cannot work, naming it.
public struct StrategyConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public let field: String
    public let reason: String
    public var description: String { "strategy configuration \(field): \(reason)" }
}
