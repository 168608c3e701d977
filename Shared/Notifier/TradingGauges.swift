import Core
import Metrics
import Store

/// The trading figures an operator graphs, read from what execution recorded.
public struct TradingFigures: Sendable, Hashable {
    public var equity: Money?
    public var unrealisedPnL: Money
    /// Realised PnL of the fills since midnight UTC.
    public var realisedToday: Money
    public var openPositions: Int
    /// How far equity is below its highest point of the last 30 days, as a fraction.
    public var drawdown: Double
    /// Per strategy, the fraction of its closed trades that made money (`/api/stats`).
    public var winRates: [String: Double]
}

/// Publishes `TradingFigures` as Prometheus gauges next to the service metrics:
/// `keel_equity_usdt`, `keel_unrealised_pnl_usdt`, `keel_realised_pnl_today_usdt`,
/// `keel_open_positions`, `keel_drawdown_ratio` and `keel_win_rate_ratio{strategy}`. (Prometheus holds floats: the exact decimals
/// become doubles here, for graphs only.)
public struct TradingGauges: Sendable {
    public let pool: PostgresPool
    private let equity = Gauge(label: "keel_equity_usdt")
    private let unrealised = Gauge(label: "keel_unrealised_pnl_usdt")
    private let realisedToday = Gauge(label: "keel_realised_pnl_today_usdt")
    private let openPositions = Gauge(label: "keel_open_positions")
    private let drawdown = Gauge(label: "keel_drawdown_ratio")

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Reads the figures and sets the gauges.
    @discardableResult
    public func refresh(now: Timestamp = .systemNow()) async throws -> TradingFigures {
        let figures = try await read(now: now)
        if let value = figures.equity { equity.record(Double(value.description) ?? 0) }
        unrealised.record(Double(figures.unrealisedPnL.description) ?? 0)
        realisedToday.record(Double(figures.realisedToday.description) ?? 0)
        openPositions.record(figures.openPositions)
        drawdown.record(figures.drawdown)
        for (strategy, rate) in figures.winRates {
            Gauge(label: "keel_win_rate_ratio", dimensions: [("strategy", strategy)]).record(rate)
        }
        return figures
    }

    public func read(now: Timestamp) async throws -> TradingFigures {
        let midnight = now.milliseconds / 86_400_000 * 86_400_000
        let monthAgo = now.milliseconds - 30 * 86_400_000
        let row = try await pool.execute(
            """
            SELECT (SELECT equity::text FROM account_equity ORDER BY recorded_at DESC LIMIT 1),
                   (SELECT coalesce(sum(unrealised_pnl), 0)::text FROM exec_positions WHERE size > 0),
                   (SELECT coalesce(sum(realised_pnl), 0)::text FROM exec_fills WHERE filled_at >= $1),
                   (SELECT count(*) FROM exec_positions WHERE size > 0),
                   (SELECT max(equity)::text FROM account_equity WHERE recorded_at >= $2)
            """, [midnight, monthAgo]).single()
        let equity = try row.optionalString(0).map { Money(try FixedPoint(parsing: $0)) }
        let peak = try row.optionalString(4).map { Money(try FixedPoint(parsing: $0)) }
        var drawdown = 0.0
        if let equity, let peak, peak.isPositive, equity < peak {
            drawdown = Double(try (peak - equity).value.divided(by: peak.value, scale: 8, rounding: .nearest).description) ?? 0
        }
        let stats = try await pool.execute("SELECT strategy, win_rate FROM (\(DashboardQueries.strategyStatsSelect)) AS stats")
        let winRates = try Dictionary(uniqueKeysWithValues: stats.rows.map { (try $0.string(0), Double(try $0.string(1)) ?? 0) })
        return TradingFigures(
            equity: equity, unrealisedPnL: Money(try FixedPoint(parsing: row.string(1))),
            realisedToday: Money(try FixedPoint(parsing: row.string(2))), openPositions: try row.int(3), drawdown: drawdown,
            winRates: winRates)
    }
}
