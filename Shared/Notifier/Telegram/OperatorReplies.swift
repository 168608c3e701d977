import Core
import Store

/// The bot's answers to `/status`, `/positions` and `/pnl`, read from what risk and execution
/// recorded in PostgreSQL. Money is printed as the exact decimal it is stored as.
public struct OperatorReplies: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// What risk did with command `id` (applied or refused, and its detail), nil until it acted.
    public func outcome(commandID id: String) async throws -> (applied: Bool, detail: String)? {
        guard let row = try await pool.execute(
            "SELECT outcome = 'applied', detail FROM risk_operator_commands WHERE command_id = $1", [id]).rows.first
        else { return nil }
        return (try row.bool(0), try row.string(1))
    }

    /// Pause and breaker state, the number of open positions and the latest equity.
    public func status() async throws -> String {
        let control = try await pool.execute(
            "SELECT paused, paused_reason, breaker_tripped, breaker_reason FROM risk_control ORDER BY account LIMIT 1").rows.first
        var lines: [String] = []
        if let control, try control.bool(0) {
            lines.append("⏸ Paused: \(try control.string(1))")
        } else {
            lines.append("▶️ Trading (not paused)")
        }
        if let control, try control.bool(2) { lines.append("🛑 Breaker tripped: \(try control.string(3))") }
        let open = try await pool.execute("SELECT count(*) FROM exec_positions WHERE size > 0").single().int64(0)
        lines.append("Open positions: \(open)")
        lines.append(try await equityLine())
        return lines.joined(separator: "\n")
    }

    /// Each open position with its entry, mark and unrealised PnL.
    public func positions() async throws -> String {
        let rows = try await pool.execute(
            """
            SELECT symbol, side, size::text, average_price::text, coalesce(mark_price::text, '?'), unrealised_pnl::text
            FROM exec_positions WHERE size > 0 ORDER BY symbol
            """).rows
        guard !rows.isEmpty else { return "No open positions." }
        return try rows.map { row in
            let side = try row.string(1) == "buy" ? "long" : "short"
            return "\(try row.string(0)) \(side) \(try row.string(2)) @ \(try row.string(3)) · mark \(try row.string(4)) · uPnL \(try row.string(5))"
        }.joined(separator: "\n")
    }

    /// Realised PnL of the fills since midnight UTC of `now`, and the latest equity.
    public func pnl(now: Timestamp) async throws -> String {
        let midnight = now.milliseconds / 86_400_000 * 86_400_000
        let realised = try await pool.execute(
            "SELECT coalesce(sum(realised_pnl), 0)::text, count(*) FROM exec_fills WHERE filled_at >= $1", [midnight]).single()
        return "Realised today (UTC): \(try realised.string(0)) USDT over \(try realised.int64(1)) fills\n" + (try await equityLine())
    }

    private func equityLine() async throws -> String {
        guard let row = try await pool.execute(
            "SELECT equity::text, unrealised_pnl::text FROM account_equity ORDER BY recorded_at DESC LIMIT 1").rows.first
        else { return "Equity: not reported yet" }
        return "Equity: \(try row.string(0)) USDT (unrealised \(try row.string(1)))"
    }
}
