import Core
import Foundation
import Store

/// A backtest run as kept in PostgreSQL.
public struct StoredBacktestRun: Sendable {
    public let id: String
    public let createdAt: Timestamp
    public let strategy: String
    public let parameters: [String: String]
    /// The report with its settings, equity curve and trades, and metrics computed again from
    /// them; the title is the run's label. Bars are not kept (the candle cache has them).
    public let report: BacktestReport
}

/// Backtest runs in PostgreSQL (`backtest_runs`, `backtest_trades`, `backtest_equity`), kept
/// when asked; `live_vs_backtest_daily` lines a run's daily PnL up with live PnL.
public struct BacktestRunStore: Sendable {
    public let pool: PostgresPool

    /// Rows per INSERT of trades or equity points: a year of 5-minute equity is 105,120 points.
    static let rowsPerStatement = 5000

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Saves `report` as a new run in one transaction (all of it or nothing), labelled with its
    /// title; returns the run's id. Throws `PostgresError` (kind `.unique` for an id in use).
    @discardableResult
    public func save(
        _ report: BacktestReport, strategy: String, parameters: [String: String] = [:],
        id: String = UUID().uuidString.lowercased(), createdAt: Timestamp = .systemNow()
    ) async throws -> String {
        guard let start = report.equity.first, let end = report.equity.last else {
            throw MetricsError.emptyEquityCurve
        }
        try await pool.withTransaction { connection in
            try await connection.execute(
                """
                INSERT INTO backtest_runs (id, created_at, label, strategy, parameters, settings, metrics, start_time,
                                           end_time, start_equity, end_equity)
                VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8, $9, $10::numeric, $11::numeric)
                """,
                [
                    id, createdAt.milliseconds, report.title, strategy, ReportJSON.serialize(parameters),
                    ReportJSON.serialize(ReportJSON.settings(report.settings)), ReportJSON.serialize(ReportJSON.metrics(report.metrics)),
                    start.time.milliseconds, end.time.milliseconds, start.equity, end.equity,
                ])
            for chunk in Self.chunks(Array(report.trades.enumerated())) {
                try await connection.execute(
                    """
                    INSERT INTO backtest_trades (run_id, seq, symbol, side, entry_time, exit_time, entry_price, exit_price,
                                                 quantity, fees, funding, pnl)
                    SELECT $1, * FROM unnest($2::integer[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::numeric[],
                                             $8::numeric[], $9::numeric[], $10::numeric[], $11::numeric[], $12::numeric[])
                    """,
                    [
                        id, Self.array(chunk.map { $0.offset + 1 }), Self.array(chunk.map(\.element.symbol)),
                        Self.array(chunk.map(\.element.side)), Self.array(chunk.map(\.element.entryTime.milliseconds)),
                        Self.array(chunk.map(\.element.exitTime.milliseconds)), Self.array(chunk.map(\.element.entryPrice)),
                        Self.array(chunk.map(\.element.exitPrice)), Self.array(chunk.map(\.element.quantity)),
                        Self.array(chunk.map(\.element.fees)), Self.array(chunk.map(\.element.funding)),
                        Self.array(chunk.map(\.element.pnl)),
                    ])
            }
            for chunk in Self.chunks(report.equity) {
                try await connection.execute(
                    "INSERT INTO backtest_equity (run_id, time, equity) SELECT $1, * FROM unnest($2::bigint[], $3::numeric[])",
                    [id, Self.array(chunk.map(\.time.milliseconds)), Self.array(chunk.map(\.equity))])
            }
        }
        return id
    }

    /// The run saved under `id`, or nil if there is none.
    public func load(id: String) async throws -> StoredBacktestRun? {
        try await pool.withTransaction { connection in
            guard
                let run = try await connection.execute(
                    """
                    SELECT created_at, label, strategy, parameters::text AS parameters, settings::text AS settings
                    FROM backtest_runs WHERE id = $1
                    """, [id]
                ).rows.first
            else { return nil }
            let trades = try await connection.execute(
                """
                SELECT symbol, side, entry_time, exit_time, entry_price, exit_price, quantity, fees, funding, pnl
                FROM backtest_trades WHERE run_id = $1 ORDER BY seq
                """, [id]
            ).rows.map(Self.trade)
            let equity = try await connection.execute(
                "SELECT time, equity FROM backtest_equity WHERE run_id = $1 ORDER BY time", [id]
            ).rows.map { EquityPoint(time: Timestamp(milliseconds: try $0.int64("time")), equity: try $0.decode(Money.self, "equity")) }
            let settings = try JSONDecoder().decode([[String: String]].self, from: Data(try run.string("settings").utf8))
            return StoredBacktestRun(
                id: id, createdAt: Timestamp(milliseconds: try run.int64("created_at")), strategy: try run.string("strategy"),
                parameters: try JSONDecoder().decode([String: String].self, from: Data(try run.string("parameters").utf8)),
                report: try BacktestReport(
                    title: try run.string("label"), settings: settings.map { ($0["name"] ?? "", $0["value"] ?? "") },
                    equity: equity, trades: trades))
        }
    }

    /// Deletes the run saved under `id` with its trades and equity; false if there was none.
    @discardableResult
    public func delete(id: String) async throws -> Bool {
        try await pool.execute("DELETE FROM backtest_runs WHERE id = $1", [id]).affectedRows == 1
    }

    private static func trade(_ row: PostgresRow) throws -> BacktestTrade {
        guard let side = Side(rawValue: try row.string("side")) else {
            throw PostgresError(kind: .decoding, message: "backtest_trades.side is neither buy nor sell")
        }
        return try BacktestTrade(
            symbol: try Symbol(try row.string("symbol")), side: side,
            entryTime: Timestamp(milliseconds: try row.int64("entry_time")),
            exitTime: Timestamp(milliseconds: try row.int64("exit_time")), entryPrice: try row.decode(Price.self, "entry_price"),
            exitPrice: try row.decode(Price.self, "exit_price"), quantity: try row.decode(Quantity.self, "quantity"),
            fees: try row.decode(Money.self, "fees"), funding: try row.decode(Money.self, "funding"),
            pnl: try row.decode(Money.self, "pnl"))
    }

    private static func chunks<Element>(_ items: [Element]) -> [ArraySlice<Element>] {
        stride(from: 0, to: items.count, by: rowsPerStatement).map { items[$0..<min($0 + rowsPerStatement, items.count)] }
    }

    /// A PostgreSQL array literal of values whose text needs no quoting: integers, decimals,
    /// symbols (A–Z, 0–9) and sides.
    private static func array(_ values: [some CustomStringConvertible]) -> String {
        "{" + values.map(\.description).joined(separator: ",") + "}"
    }
}
