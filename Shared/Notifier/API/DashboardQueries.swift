import Store

/// The read side of the dashboard API: what execution and risk recorded in PostgreSQL, as JSON
/// arrays built by PostgreSQL itself. Prices, sizes and money are JSON strings holding the exact
/// decimal (a JSON number would be read as a binary float by most clients); times are
/// milliseconds since the epoch.
public struct DashboardQueries: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Open positions, by symbol.
    public func positions() async throws -> String {
        try await jsonArray(
            """
            SELECT symbol, CASE side WHEN 'buy' THEN 'long' WHEN 'sell' THEN 'short' END AS side, size::text AS size,
                   average_price::text AS average_price, mark_price::text AS mark_price,
                   unrealised_pnl::text AS unrealised_pnl, realised_pnl::text AS realised_pnl, leverage::text AS leverage,
                   liquidation_price::text AS liquidation_price, stop_loss::text AS stop_loss,
                   take_profit::text AS take_profit, sequence, updated_at
            FROM exec_positions WHERE size > 0
            """, orderBy: "symbol")
    }

    /// The latest orders, newest first.
    public func orders(limit: Int) async throws -> String {
        try await jsonArray(
            """
            SELECT client_order_id, order_id, intent_id, venue_order_id, symbol, side, order_type, role, status,
                   reduce_only, quantity::text AS quantity, limit_price::text AS limit_price,
                   filled_quantity::text AS filled_quantity, average_price::text AS average_price,
                   fees_paid::text AS fees_paid, reject_reason, created_at, updated_at
            FROM exec_orders ORDER BY updated_at DESC, client_order_id LIMIT $1
            """, orderBy: "updated_at DESC, client_order_id", [limit])
    }

    /// The latest fills, newest first.
    public func fills(limit: Int) async throws -> String {
        try await jsonArray(
            """
            SELECT fill_id, client_order_id, venue_order_id, symbol, side, price::text AS price, quantity::text AS quantity,
                   fee::text AS fee, fee_currency, is_maker, realised_pnl::text AS realised_pnl, filled_at
            FROM exec_fills ORDER BY filled_at DESC, fill_id LIMIT $1
            """, orderBy: "filled_at DESC, fill_id", [limit])
    }

    /// The latest equity snapshots, newest first.
    public func equity(limit: Int) async throws -> String {
        try await jsonArray(
            """
            SELECT account, currency, equity::text AS equity, wallet_balance::text AS wallet_balance,
                   available_balance::text AS available_balance, unrealised_pnl::text AS unrealised_pnl,
                   margin_used::text AS margin_used, recorded_at
            FROM account_equity ORDER BY recorded_at DESC, account LIMIT $1
            """, orderBy: "recorded_at DESC, account", [limit])
    }

    /// The latest risk decisions, newest first (only the one for `intentID` when given), with
    /// the reason for each rejection, every rule's verdict and the inputs the decision saw.
    public func decisions(limit: Int, intentID: String? = nil) async throws -> String {
        try await jsonArray(
            """
            SELECT intent_id, strategy, symbol, approved, reason, detail, quantity::text AS quantity,
                   leverage::text AS leverage, risk_amount::text AS risk_amount, notional::text AS notional,
                   reduce_only, notes, verdicts, inputs, intent,
                   (extract(epoch FROM decided_at) * 1000)::bigint AS decided_at
            FROM risk_decisions WHERE $2::text IS NULL OR intent_id = $2
            ORDER BY decided_at DESC, intent_id LIMIT $1
            """, orderBy: "decided_at DESC, intent_id", [limit, intentID])
    }

    /// Per strategy, over its closed trades (`ClosedTrades`): trades, wins, losses, win rate,
    /// gross profit and loss, profit factor (null without a loss), expectancy (mean PnL per
    /// trade) and net PnL.
    public func strategyStats() async throws -> String {
        try await jsonArray(Self.strategyStatsSelect, orderBy: "strategy")
    }

    /// The rows of `strategyStats`, decimals as text (the trading gauges read them too).
    static let strategyStatsSelect = """
        WITH totals AS (
            SELECT strategy, count(*) AS trades, count(*) FILTER (WHERE pnl > 0) AS wins,
                   count(*) FILTER (WHERE pnl < 0) AS losses,
                   coalesce(sum(pnl) FILTER (WHERE pnl > 0), 0) AS gross_profit,
                   coalesce(-sum(pnl) FILTER (WHERE pnl < 0), 0) AS gross_loss, sum(pnl) AS net_pnl
            FROM (\(ClosedTrades.select)) AS trades GROUP BY strategy
        )
        SELECT strategy, trades, wins, losses, round(wins::numeric / trades, 4)::text AS win_rate,
               gross_profit::text AS gross_profit, gross_loss::text AS gross_loss,
               CASE WHEN gross_loss > 0 THEN round(gross_profit / gross_loss, 4)::text END AS profit_factor,
               round(net_pnl / trades, 8)::text AS expectancy, net_pnl::text AS net_pnl
        FROM totals
        """

    /// Risk's pause and breaker state per account (empty until risk first wrote it: not paused,
    /// breaker armed).
    public func control() async throws -> String {
        try await jsonArray(
            """
            SELECT account, paused, paused_reason, breaker_tripped, breaker_reason, updated_at, updated_by
            FROM risk_control
            """, orderBy: "account")
    }

    /// What risk did with operator command `id`, or nil while it has not acted on it.
    public func commandOutcome(id: String) async throws -> String? {
        let result = try await pool.execute(
            """
            SELECT row_to_json(entry)::text FROM (
                SELECT command_id, issued_by, command, symbol, reason, outcome, detail, issued_at, applied_at
                FROM risk_operator_commands WHERE command_id = $1) AS entry
            """, [id])
        return try result.rows.isEmpty ? nil : result.single().string(0)
    }

    /// The rows of `select` as one JSON array, in `orderBy` order (`json_agg` would not keep
    /// the subquery's order on its own).
    private func jsonArray(_ select: String, orderBy: String, _ parameters: [PostgresValue?] = []) async throws -> String {
        let result = try await pool.execute(
            "SELECT coalesce(json_agg(entry ORDER BY \(orderBy)), '[]')::text FROM (\(select)) AS entry", parameters)
        return try result.single().string(0)
    }
}
