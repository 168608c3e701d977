import Core
import Store

/// Per symbol and timeframe, the open time of the last closed candle published on
/// `md.candles.v1` (table `candle_watermarks`, migration 5).
public struct CandleWatermarks: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    public func watermark(symbol: Symbol, timeframe: Timeframe) async throws -> Timestamp? {
        try await pool.execute(
            "SELECT open_time FROM candle_watermarks WHERE symbol = $1 AND timeframe = $2", [symbol.rawValue, timeframe.label]
        ).rows.first.map { Timestamp(milliseconds: try $0.int64(0)) }
    }

    /// Moves the watermark forward to `openTime` (never back).
    public func advance(symbol: Symbol, timeframe: Timeframe, to openTime: Timestamp) async throws {
        try await pool.execute(
            """
            INSERT INTO candle_watermarks (symbol, timeframe, open_time) VALUES ($1, $2, $3)
            ON CONFLICT (symbol, timeframe) DO UPDATE SET open_time = greatest(candle_watermarks.open_time, EXCLUDED.open_time)
            """, [symbol.rawValue, timeframe.label, openTime.milliseconds])
    }
}
