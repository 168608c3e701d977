import Backtest
import Core
import Store
import Testing

/// Backtest runs in the real PostgreSQL: saved in one transaction, read back exactly, deleted
/// with their rows, and lined up with live PnL per day.
@Suite("BacktestRunStoreTests")
struct BacktestRunStoreTests {
    static let day: Int64 = 86_400_000
    /// 2026-01-05T00:00:00Z.
    static let start: Int64 = 1_767_571_200_000

    static func trade(_ symbol: String, _ side: Side, entryHour: Int64, exitHour: Int64, pnl: String) throws -> BacktestTrade {
        try BacktestTrade(
            symbol: try Symbol(symbol), side: side, entryTime: Timestamp(milliseconds: start + entryHour * 3_600_000),
            exitTime: Timestamp(milliseconds: start + exitHour * 3_600_000), entryPrice: try Price(parsing: "43000.50"),
            exitPrice: try Price(parsing: "43210.00"), quantity: try Quantity(parsing: "0.010"), fees: try Money(parsing: "0.8642"),
            funding: try Money(parsing: "-0.0125"), pnl: try Money(parsing: pnl))
    }

    /// Three days of hourly equity and three trades, two closing on the first day.
    static func report() throws -> BacktestReport {
        let equity = (0...72).map { hour in
            EquityPoint(time: Timestamp(milliseconds: start + Int64(hour) * 3_600_000), equity: try! Money(parsing: "10000.\(hour % 10)5"))
        }
        let trades = [
            try trade("BTCUSDT", .buy, entryHour: 1, exitHour: 3, pnl: "1.2345"),
            try trade("ETHUSDT", .sell, entryHour: 5, exitHour: 20, pnl: "-16.505"),
            try trade("BTCUSDT", .sell, entryHour: 30, exitHour: 50, pnl: "7.00"),
        ]
        return try BacktestReport(
            title: "MACD/RSI, 3 days", settings: [("strategy", "macd_rsi"), ("fees", "taker 0.055 %"), ("data", "candles 1h")],
            equity: equity, trades: trades)
    }

    /// A store on a migrated database of its own.
    static func withStore(_ prefix: String, _ body: (BacktestRunStore) async throws -> Void) async throws {
        try await withScratchDatabase(prefix) { config in
            let pool = PostgresPool(config: config)
            defer { Task { await pool.close() } }
            _ = try await Migrator().migrate(pool)
            try await body(BacktestRunStore(pool: pool))
        }
    }

    @Test func savesReadsBackLinesUpWithLiveAndDeletes() async throws {
        try await Self.withStore("backtest_runs") { store in
            let pool = store.pool
            let report = try Self.report()
            let id = try await store.save(
                report, strategy: "macd_rsi", parameters: ["fast": "12", "slow": "26"], createdAt: Timestamp(milliseconds: 42))

            let run = try #require(try await store.load(id: id))
            #expect(run.id == id && run.createdAt == Timestamp(milliseconds: 42) && run.strategy == "macd_rsi")
            #expect(run.parameters == ["fast": "12", "slow": "26"])
            #expect(run.report.title == report.title)
            #expect(run.report.settings.map { "\($0.0)=\($0.1)" } == report.settings.map { "\($0.0)=\($0.1)" })
            #expect(run.report.trades == report.trades)
            #expect(run.report.equity == report.equity)
            // Exact text survives numeric: scales included.
            #expect(run.report.equityCSV() == report.equityCSV() && run.report.tradesCSV() == report.tradesCSV())
            #expect(run.report.metrics == report.metrics)
            let stored = try await pool.execute(
                "SELECT start_equity::text, end_equity::text, metrics->'total'->>'net_profit' FROM backtest_runs WHERE id = $1", [id]
            ).single()
            #expect(try stored.string(0) == "10000.05" && stored.string(1) == "10000.25" && stored.string(2) == "-8.2705")

            // Live: on the first day a fill realised 5 with a fee of 0.5 and 0.25 funding was
            // paid; nothing on the second; on the third a fill lost 2.
            try await pool.execute(
                """
                INSERT INTO exec_fills (fill_id, client_order_id, venue_order_id, symbol, side, price, quantity, fee, fee_currency,
                                        is_maker, realised_pnl, filled_at)
                VALUES ('f1', 'c1', 'v1', 'BTCUSDT', 'sell', 43000, 0.01, 0.5, 'USDT', false, 5, $1),
                       ('f2', 'c2', 'v2', 'BTCUSDT', 'buy', 43000, 0.01, 0, 'USDT', true, -2, $2)
                """, [Self.start + 3_600_000, Self.start + 2 * Self.day + 60_000])
            try await pool.execute(
                "INSERT INTO exec_funding (funding_id, symbol, paid, paid_at) VALUES ('p1', 'BTCUSDT', 0.25, $1)",
                [Self.start + 8 * 3_600_000])
            let days = try await pool.execute(
                "SELECT day::text, backtest_pnl::text, live_pnl::text FROM live_vs_backtest_daily WHERE run_id = $1 ORDER BY day",
                [id]
            ).rows.map { "\(try $0.string(0)) \(try $0.string(1)) \(try $0.optionalString(2) ?? "-")" }
            #expect(days == ["2026-01-05 -15.2705 4.25", "2026-01-06 0 -", "2026-01-07 7.00 -2", "2026-01-08 0 -"])

            #expect(try await store.delete(id: id))
            #expect(try await store.load(id: id) == nil)
            let left = try await pool.execute(
                "SELECT (SELECT count(*) FROM backtest_trades) + (SELECT count(*) FROM backtest_equity)").single().int64(0)
            #expect(left == 0)
            #expect(try await store.delete(id: id) == false)
        }
    }

    @Test func aFailedSaveLeavesNothing() async throws {
        try await Self.withStore("backtest_runs_atomic") { store in
            let report = try Self.report()
            let id = try await store.save(report, strategy: "macd_rsi")
            // The same id again: the run row conflicts, and nothing of the second save stays.
            await #expect(throws: PostgresError.self) { try await store.save(report, strategy: "other", id: id) }
            let counts = try await store.pool.execute(
                "SELECT (SELECT count(*) FROM backtest_runs), (SELECT count(*) FROM backtest_trades), (SELECT count(*) FROM backtest_equity)"
            ).single()
            #expect(try [counts.int64(0), counts.int64(1), counts.int64(2)] == [1, 3, 73])
            #expect(try await store.load(id: id)?.strategy == "macd_rsi")
        }
    }
}
