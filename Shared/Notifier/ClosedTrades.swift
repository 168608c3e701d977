/// Closed trades and their PnL, one definition for the dashboard's statistics, the win-rate
/// gauge and the daily summary. A trade (an `exec_trades` row, closed) made the realised PnL
/// (net of fees) of its own orders' fills plus that of exit orders placed for it by other
/// intents (a strategy's exit signal, an operator close): a fill of an order that belongs to no
/// trade counts for the symbol's latest trade opened before it.
enum ClosedTrades {
    /// One row per closed trade: `intent_id`, `strategy` (risk's, 'unknown' without a
    /// decision), `pnl` (numeric) and `closed_at` (ms, when the trade was last updated).
    static let select = """
        SELECT t.intent_id, coalesce(d.strategy, 'unknown') AS strategy, coalesce(sum(ft.pnl), 0) AS pnl,
               t.updated_at AS closed_at
        FROM exec_trades t
        LEFT JOIN (
            SELECT f.realised_pnl AS pnl,
                   coalesce(own.intent_id, (SELECT latest.intent_id FROM exec_trades latest
                                            WHERE latest.symbol = f.symbol AND latest.created_at <= f.filled_at
                                            ORDER BY latest.created_at DESC LIMIT 1)) AS trade
            FROM exec_fills f
            LEFT JOIN exec_orders o ON o.client_order_id = f.client_order_id
            LEFT JOIN exec_trades own ON own.intent_id = o.intent_id
        ) AS ft ON ft.trade = t.intent_id
        LEFT JOIN risk_decisions d ON d.intent_id = t.intent_id
        WHERE t.phase = 'closed'
        GROUP BY t.intent_id, d.strategy, t.updated_at
        """
}
