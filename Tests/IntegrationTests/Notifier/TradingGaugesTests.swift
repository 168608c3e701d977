import Core
import Notifier
import Store
import Testing

/// The trading figures the notifier exports as gauges, from what execution recorded.
@Suite("Trading gauges")
struct TradingGaugesTests {
    @Test("equity, unrealised PnL, today's realised PnL, open positions and the drawdown from the 30-day peak")
    func figures() async throws {
        try await withScratchDatabase("gauges") { config in
            let pool = PostgresPool(config: config)
            defer { Task { await pool.close() } }
            _ = try await Migrator().migrate(pool)
            let now = Timestamp(milliseconds: 1_767_268_800_000)  // 2026-01-01 12:00 UTC
            let day: Int64 = 86_400_000
            try await pool.execute(
                """
                INSERT INTO account_equity (account, currency, equity, wallet_balance, available_balance, unrealised_pnl, margin_used, recorded_at)
                VALUES ('a', 'USDT', 12000, 12000, 12000, 0, 0, $1), ('a', 'USDT', 10000, 10000, 10000, 0, 0, $2),
                       ('a', 'USDT', 9500, 9400, 9000, 100, 500, $3)
                """, [now.milliseconds - 40 * day, now.milliseconds - day, now.milliseconds - 60_000])
            try await pool.execute(
                """
                INSERT INTO exec_positions (symbol, side, size, average_price, unrealised_pnl, realised_pnl, leverage, sequence, updated_at)
                VALUES ('BTCUSDT', 'buy', 0.1, 60000, 60.5, 0, 5, 1, 1), ('ETHUSDT', 'sell', 1, 3000, 39.5, 0, 5, 1, 1),
                       ('SOLUSDT', NULL, 0, 0, 0, 0, 5, 1, 1)
                """)
            try await pool.execute(
                """
                INSERT INTO exec_fills (fill_id, client_order_id, venue_order_id, symbol, side, price, quantity, fee, fee_currency,
                                        is_maker, realised_pnl, filled_at)
                VALUES ('f1', 'k', 'v', 'BTCUSDT', 'sell', 1, 1, 0, 'USDT', false, 25.25, $1),
                       ('f2', 'k', 'v', 'BTCUSDT', 'sell', 1, 1, 0, 'USDT', false, -5.5, $2),
                       ('f3', 'k', 'v', 'BTCUSDT', 'sell', 1, 1, 0, 'USDT', false, 1000, $3)
                """, [now.milliseconds - 3_600_000, now.milliseconds - 60_000, now.milliseconds - day])
            let figures = try await TradingGauges(pool: pool).refresh(now: now)
            #expect(figures.equity == (try Money(parsing: "9500")))
            #expect(figures.unrealisedPnL == (try Money(parsing: "100")))
            #expect(figures.realisedToday == (try Money(parsing: "19.75")), "yesterday's fill is not today's")
            #expect(figures.openPositions == 2)
            #expect(figures.drawdown == 0.05, "5 % below the 10,000 peak of the last 30 days (the older 12,000 is out)")
            #expect(figures.winRates.isEmpty, "no closed trade yet")
        }
    }

    @Test("the win rate per strategy, from its closed trades")
    func winRates() async throws {
        try await withScratchDatabase("gauges-win") { config in
            let pool = PostgresPool(config: config)
            defer { Task { await pool.close() } }
            _ = try await Migrator().migrate(pool)
            try await NotifierAPITests.recordTrades(pool)
            let figures = try await TradingGauges(pool: pool).refresh(now: Timestamp(milliseconds: 10_000))
            #expect(figures.winRates == ["macd_rsi": 0.6667, "breakout": 0, "scalper": 1])
        }
    }
}
