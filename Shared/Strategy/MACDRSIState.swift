import Core
import Indicators

/// Everything `MACDRSIStrategy` remembers between candles; `Codable` for warm restarts.
public struct MACDRSIState: Sendable, Hashable, Codable {
    public var macd: MACD
    public var rsi: RSI
    public var atr: ATR
    /// The previous bar's MACD histogram (macd − signal): its sign is the line's relation to
    /// its signal, so a change of sign is a cross.
    public var previousHistogram: Double?
    /// Open time of the last candle fed; older or repeated candles are ignored.
    public var lastCandleTime: Timestamp?

    public init(configuration: MACDRSIConfiguration) {
        macd = MACD(fast: configuration.macdFast, slow: configuration.macdSlow, signal: configuration.macdSignal)
        rsi = RSI(period: configuration.rsiPeriod)
        atr = ATR(period: configuration.atrPeriod)
    }
}
