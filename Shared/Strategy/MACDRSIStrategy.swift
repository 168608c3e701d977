import Core
import Indicators

/// MACD cross confirmed by RSI, with ATR-based stop and take-profit. A pure value: feed it
/// closed candles, get entry intents; nothing here does I/O or reads a clock.
///
/// Long: the MACD line crosses above its signal on this bar (histogram from ≤ 0 to > 0) and
/// RSI is within `longRSI`. Short mirrors it (histogram from ≥ 0 to < 0, RSI within
/// `shortRSI`). Entry reference = the candle's close; stop = entry ∓ ATR·stopMultiplier
/// rounded to the tick away from the entry; take-profit = entry ± ATR·takeProfitMultiplier
/// rounded toward the entry. If rounding collapses a level onto the entry (an ATR smaller
/// than a tick) the bar yields no intent. The intent's `createdAt` is the candle's close time,
/// so replaying candles reproduces intents exactly.
public struct MACDRSIStrategy: Sendable, Hashable, Codable {
    public let configuration: MACDRSIConfiguration
    public private(set) var state: MACDRSIState

    /// Throws `StrategyConfigurationError` for a configuration it cannot run with.
    public init(configuration: MACDRSIConfiguration) throws(StrategyConfigurationError) {
        try configuration.validate()
        self.init(validated: configuration, state: MACDRSIState(configuration: configuration))
    }

    /// Resumes from a saved `state` (see `MACDRSIState`).
    public init(configuration: MACDRSIConfiguration, state: MACDRSIState) throws(StrategyConfigurationError) {
        try configuration.validate()
        self.init(validated: configuration, state: state)
    }

    private init(validated configuration: MACDRSIConfiguration, state: MACDRSIState) {
        self.configuration = configuration
        self.state = state
    }

    /// Feeds history (e.g. stored candles on start) without emitting intents.
    public mutating func warmUp(_ candles: [Candle]) {
        for candle in candles { _ = onCandle(candle) }
    }

    /// Feeds one candle. Candles still forming, and candles not newer than the last one fed,
    /// are ignored.
    public mutating func onCandle(_ candle: Candle) -> Intent? {
        guard candle.isClosed, state.lastCandleTime.map({ candle.openTime > $0 }) ?? true else { return nil }
        state.lastCandleTime = candle.openTime
        let close = candle.close.doubleValue
        let rsi = state.rsi.update(close)
        let atr = state.atr.update(PriceBar(candle))
        guard let macd = state.macd.update(close) else { return nil }
        defer { state.previousHistogram = macd.histogram }
        guard let previous = state.previousHistogram, let rsi, let atr else { return nil }
        if previous <= 0, macd.histogram > 0, configuration.longRSI.contains(rsi) {
            return entry(.buy, candle: candle, atr: atr)
        }
        if previous >= 0, macd.histogram < 0, configuration.shortRSI.contains(rsi) {
            return entry(.sell, candle: candle, atr: atr)
        }
        return nil
    }

    private func entry(_ side: Side, candle: Candle, atr: Double) -> Intent? {
        let direction = side == .buy ? 1.0 : -1.0
        // For a long both levels round down (stop away from, target toward the entry); a short
        // mirrors that.
        let mode: RoundingMode = side == .buy ? .down : .up
        let entry = candle.close
        let tick = configuration.tickSize
        guard let stop = entry.offset(by: -direction * atr * configuration.stopMultiplier, tick: tick, mode: mode),
              let target = entry.offset(by: direction * atr * configuration.takeProfitMultiplier, tick: tick, mode: mode),
              stop.isPositive, target.isPositive
        else { return nil }
        let id = Intent.deriveID(
            strategy: configuration.name, symbol: candle.symbol, timeframe: candle.timeframe,
            candleTime: candle.openTime, kind: .entry, side: side)
        // Intent validation fails only when rounding put a level on the entry: no trade then.
        return try? Intent(
            id: id, strategy: configuration.name, symbol: candle.symbol, side: side, kind: .entry,
            referencePrice: entry, stopLoss: stop, takeProfits: [target],
            timeframe: candle.timeframe, candleTime: candle.openTime, createdAt: candle.closeTime)
    }
}
