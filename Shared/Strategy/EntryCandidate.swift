import Core
import Indicators

/// A MACD/RSI signal on its way to becoming an intent: what the signal bar showed, kept while
/// it waits for its higher-timeframe trend or its pullback. Most candidates never become one,
/// so the intent's named values and reason text are made only when it does (`MACDRSIStrategy.emit`).
struct EntryCandidate: Sendable, Hashable, Codable {
    let side: Side
    let candleOpenTime: Timestamp
    let candleCloseTime: Timestamp
    let close: Price
    let atr: Double
    let levels: [PriceLevel]
    let rsi: Double
    /// The signal bar's `SignalReadings.reported` values. (An array, not the readings: a
    /// candidate this small is copied in registers, the readings made every copy a `memcpy`.)
    let values: [Double?]
    /// The trend timeframes' MACD histograms, in the strategy's trend order, once aligned.
    var trendHistograms: [Double] = []
    /// 0...1, see `MACDRSIStrategy`.
    var confidence: Double
}

/// A candidate waiting for price to come back to `level` within `barsLeft` signal bars.
struct PullbackWatch: Sendable, Hashable, Codable {
    let candidate: EntryCandidate
    let level: Price
    var barsLeft: Int

    enum Outcome: Equatable {
        /// Price reached the level on this bar: enter there.
        case reached
        /// Price reached the stop as well: the setup failed.
        case invalidated
        case timedOut
        case waiting
    }

    /// Looks at the next bar. `stop` is where the trade's stop would sit if entered at `level`.
    mutating func check(_ candle: Candle, stop: Price) -> Outcome {
        let long = candidate.side == .buy
        let reached = long ? candle.low <= level : candle.high >= level
        let beyondStop = long ? candle.low <= stop : candle.high >= stop
        if reached { return beyondStop ? .invalidated : .reached }
        barsLeft -= 1
        return barsLeft == 0 ? .timedOut : .waiting
    }
}
