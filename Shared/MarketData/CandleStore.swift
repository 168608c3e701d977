import Core
import Store

/// The candle cache in PostgreSQL (table `candles`, migration 2). Prices and volumes go in and
/// come out as exact decimal text. Reads return closed candles only, oldest first.
public struct CandleStore: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Rows per INSERT: 10 parameters each (see `upsertStatement`) keeps a statement far below PostgreSQL's 65 535.
    static let rowsPerStatement = 1000

    /// Stores `candles`. Idempotent: storing a candle again changes nothing. A closed candle
    /// replaces a forming one of the same symbol, timeframe and open time; a stored closed
    /// candle is final and is never replaced.
    public func upsert(_ candles: [Candle]) async throws {
        guard !candles.isEmpty else { return }
        try await pool.withTransaction { connection in
            var start = 0
            while start < candles.count {
                let chunk = candles[start..<min(start + Self.rowsPerStatement, candles.count)]
                try await connection.execute(Self.upsertStatement(rows: chunk.count), chunk.flatMap(Self.parameters))
                start += chunk.count
            }
        }
    }

    /// Closed candles with open times in `from ... through`, oldest first.
    public func candles(
        symbol: Symbol, timeframe: Timeframe, from: Timestamp, through: Timestamp
    ) async throws -> [Candle] {
        let result = try await pool.execute(
            "SELECT \(Self.columns) FROM candles WHERE symbol = $1 AND timeframe = $2 AND is_closed"
                + " AND open_time BETWEEN $3 AND $4 ORDER BY open_time",
            [symbol.rawValue, timeframe.label, from.milliseconds, through.milliseconds])
        return try result.rows.map { try Self.candle(from: $0, symbol: symbol, timeframe: timeframe) }
    }

    /// The newest `limit` closed candles, oldest first (for warming up indicators).
    public func latest(symbol: Symbol, timeframe: Timeframe, limit: Int) async throws -> [Candle] {
        let result = try await pool.execute(
            "SELECT \(Self.columns) FROM candles WHERE symbol = $1 AND timeframe = $2 AND is_closed"
                + " ORDER BY open_time DESC LIMIT $3",
            [symbol.rawValue, timeframe.label, limit])
        return try result.rows.reversed().map { try Self.candle(from: $0, symbol: symbol, timeframe: timeframe) }
    }

    /// Open times of the closed candles stored in `from ... through` (what a backfill can skip).
    public func closedOpenTimes(
        symbol: Symbol, timeframe: Timeframe, from: Timestamp, through: Timestamp
    ) async throws -> Set<Timestamp> {
        let result = try await pool.execute(
            "SELECT open_time FROM candles WHERE symbol = $1 AND timeframe = $2 AND is_closed"
                + " AND open_time BETWEEN $3 AND $4",
            [symbol.rawValue, timeframe.label, from.milliseconds, through.milliseconds])
        return Set(try result.rows.map { Timestamp(milliseconds: try $0.int64(0)) })
    }

    // MARK: - Rows

    private static let columns = "open_time, open, high, low, close, volume, turnover, is_closed"

    private static func upsertStatement(rows: Int) -> String {
        let values = (0..<rows).map { row in
            let placeholder = { (column: Int) in "$\(row * 10 + column)" }
            let decimals = (4...9).map { placeholder($0) + "::numeric" }.joined(separator: ", ")
            return "(\(placeholder(1)), \(placeholder(2)), \(placeholder(3))::bigint, \(decimals), \(placeholder(10))::boolean)"
        }
        return """
            INSERT INTO candles (symbol, timeframe, open_time, open, high, low, close, volume, turnover, is_closed)
            VALUES \(values.joined(separator: ", "))
            ON CONFLICT (symbol, timeframe, open_time) DO UPDATE SET
                open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,
                volume = EXCLUDED.volume, turnover = EXCLUDED.turnover, is_closed = EXCLUDED.is_closed
            WHERE NOT candles.is_closed
            """
    }

    private static func parameters(_ candle: Candle) -> [PostgresValue?] {
        [
            candle.symbol.rawValue, candle.timeframe.label, candle.openTime.milliseconds,
            candle.open, candle.high, candle.low, candle.close, candle.volume, candle.turnover, candle.isClosed,
        ]
    }

    private static func candle(from row: PostgresRow, symbol: Symbol, timeframe: Timeframe) throws -> Candle {
        try Candle(
            symbol: symbol, timeframe: timeframe, openTime: Timestamp(milliseconds: try row.int64(0)),
            open: try row.decode(Price.self, 1), high: try row.decode(Price.self, 2),
            low: try row.decode(Price.self, 3), close: try row.decode(Price.self, 4),
            volume: try row.decode(Quantity.self, 5), turnover: try row.decodeOptional(Money.self, 6),
            isClosed: try row.bool(7))
    }
}
