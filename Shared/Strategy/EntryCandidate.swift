import Core
import Indicators

/// A MACD/RSI signal on its way to becoming an intent: what the signal bar showed, kept while
/// it waits for its higher-timeframe trend or its pullback.
struct EntryCandidate: Sendable, Hashable, Codable {
    let side: Side
    let candleOpenTime: Timestamp
    let candleCloseTime: Timestamp
    let close: Price
    let atr: Double
    let levels: [PriceLevel]
    /// The indicator values behind the signal, by output name; trend readings are added later.
    var indicators: [String: Double]
    /// 0...1, see `MACDRSIStrategy`.
    var confidence: Double
    var reason: String
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
