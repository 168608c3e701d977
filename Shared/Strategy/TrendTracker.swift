import Core
import Indicators

/// A higher timeframe's trend: its MACD, and the histogram (MACD − signal) of its last few
/// closed bars by close time, so a signal bar can ask for the trend exactly as it stood when
/// it closed, whichever of the two candles arrived first.
struct TrendTracker: Sendable, Hashable, Codable {
    /// Enough bars to answer for a signal bar even if trend candles run a little ahead.
    private static let remembered = 8

    let timeframe: Timeframe
    /// The name an intent reports the histogram under, e.g. "trend_4h_macd_histogram".
    let histogramName: String
    private var macd: MACD
    private var histograms: [Timestamp: Double] = [:]
    private(set) var lastOpenTime: Timestamp?

    init(timeframe: Timeframe, fast: Int, slow: Int, signal: Int) {
        self.timeframe = timeframe
        histogramName = "trend_\(timeframe)_macd_histogram"
        macd = MACD(fast: fast, slow: slow, signal: signal)
    }

    mutating func update(_ candle: Candle) {
        lastOpenTime = candle.openTime
        guard let value = macd.update(candle.close.doubleValue) else { return }
        histograms[candle.closeTime] = value.histogram
        if histograms.count > Self.remembered, let oldest = histograms.keys.min() { histograms[oldest] = nil }
    }

    /// The trend for a signal bar closing at `time`: that of the last trend bar closed by then.
    func trend(at time: Timestamp) -> TrendReading {
        let needed = timeframe.bucketStart(of: time)
        if let histogram = histograms[needed] { return .known(histogram) }
        // Not here yet (the trend candle is still on its way) or never will be: the tracker
        // is still warming up, or the candle fell out of the memory window.
        if let last = lastOpenTime, last.adding(milliseconds: timeframe.milliseconds) < needed { return .pending }
        return .unavailable
    }
}

enum TrendReading: Equatable {
    /// The MACD histogram of the trend bar.
    case known(Double)
    /// The trend bar has not arrived yet.
    case pending
    /// No reading will come (still warming up).
    case unavailable
}
