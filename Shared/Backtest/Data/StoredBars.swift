import Core
import MarketData

/// OHLCV bars for a backtest from PostgreSQL's `candles` table (what marketdata stored), read
/// through `CandleStore` (closed candles only) and checked by `BarValidator`. The table keeps
/// one candle per open time, in order, so what can be wrong is gaps.
public enum StoredBars {
    /// Closed candles with open times in `from ... through`. Throws `BarDataError` when the
    /// window holds none or has a gap that `repairs` does not fill; issues name the row by its
    /// position in the window (1-based) and its open time.
    public static func load(
        from store: CandleStore, symbol: Symbol, timeframe: Timeframe, from: Timestamp, through: Timestamp,
        repairs: BarRepairs = []
    ) async throws -> ValidatedBars {
        let candles = try await store.candles(symbol: symbol, timeframe: timeframe, from: from, through: through)
        let rows = candles.enumerated().map { LocatedCandle(candle: $0.element, line: $0.offset + 1) }
        return try BarValidator.validate(
            rows, badRows: [], source: "candles \(symbol) \(timeframe) \(from)…\(through)", symbol: symbol,
            timeframe: timeframe, repairs: repairs)
    }
}
