import Core
import Foundation
import Risk
import Store

/// The operator's pause and the circuit breakers as stored: one row per account.
public struct RiskControl: Sendable, Hashable {
    public var paused = false
    public var pausedReason = ""
    public var breakerTripped = false
    public var breakerReason = ""
    /// When the drawdown breaker was last reset (ms): the equity peak counts from here.
    public var breakerResetAt: Int64 = 0
    /// When the daily loss was last re-based by an operator (ms): the day's opening equity is
    /// the first equity at or after it.
    public var dailyResetAt: Int64 = 0

    public init() {}
}

/// What risk rebuilds its state from at start: the account as execution recorded it, and the
/// control row. Reading execution's tables is reading the source of truth; the topics then
/// bring everything newer (older snapshots are ignored by sequence and time).
public struct RiskStartupState: Sendable {
    public var positions: [(position: Position, sequence: UInt64)] = []
    public var equity: (value: Money, time: Timestamp)?
    public var dayStart: Money?
    public var peak: Money?
    /// Recent fills that realised PnL, oldest first, with their venue order.
    public var closedTrades: [(fillID: String, orderID: String, trade: ClosedTrade)] = []
    public var control = RiskControl()
}

/// `risk_control` and `risk_operator_commands`, and the start-up reads.
public struct RiskControlStore: Sendable {
    public let pool: PostgresPool
    /// The account the row belongs to (one venue account per deployment today).
    public let account: String

    public init(pool: PostgresPool, account: String = "main") {
        self.pool = pool
        self.account = account
    }

    /// The control row (created on first use).
    public func load(on connection: PostgresConnection) async throws -> RiskControl {
        try await connection.execute("INSERT INTO risk_control (account) VALUES ($1) ON CONFLICT (account) DO NOTHING", [account])
        let row = try await connection.execute(
            """
            SELECT paused, paused_reason, breaker_tripped, breaker_reason, breaker_reset_at, daily_reset_at
            FROM risk_control WHERE account = $1
            """, [account]).single()
        var control = RiskControl()
        control.paused = try row.bool("paused")
        control.pausedReason = try row.string("paused_reason")
        control.breakerTripped = try row.bool("breaker_tripped")
        control.breakerReason = try row.string("breaker_reason")
        control.breakerResetAt = try row.int64("breaker_reset_at")
        control.dailyResetAt = try row.int64("daily_reset_at")
        return control
    }

    public func load() async throws -> RiskControl {
        try await pool.withConnection { try await load(on: $0) }
    }

    public func setPaused(_ paused: Bool, reason: String, by issuer: String, at time: Timestamp) async throws {
        try await pool.withConnection { connection in
            _ = try await load(on: connection)
            try await connection.execute(
                "UPDATE risk_control SET paused = $2, paused_reason = $3, updated_at = $4, updated_by = $5 WHERE account = $1",
                [account, paused, reason, time.milliseconds, issuer])
        }
    }

    /// Trips the drawdown breaker (inside the decision that found the drawdown).
    public func trip(reason: String, at time: Timestamp, on connection: PostgresConnection) async throws {
        try await connection.execute(
            """
            UPDATE risk_control SET breaker_tripped = true, breaker_reason = $2, updated_at = $3, updated_by = 'risk'
            WHERE account = $1 AND NOT breaker_tripped
            """, [account, reason, time.milliseconds])
    }

    /// Re-arms the drawdown breaker (its peak restarts now) and/or re-bases the day's loss (its
    /// opening equity restarts now).
    public func reset(drawdown: Bool, dailyLoss: Bool, by issuer: String, at time: Timestamp) async throws {
        try await pool.withConnection { connection in
            _ = try await load(on: connection)
            if drawdown {
                try await connection.execute(
                    """
                    UPDATE risk_control SET breaker_tripped = false, breaker_reason = '', breaker_reset_at = $2, updated_at = $2,
                                            updated_by = $3
                    WHERE account = $1
                    """, [account, time.milliseconds, issuer])
            }
            if dailyLoss {
                try await connection.execute(
                    "UPDATE risk_control SET daily_reset_at = $2, updated_at = $2, updated_by = $3 WHERE account = $1",
                    [account, time.milliseconds, issuer])
            }
        }
    }

    /// Records what became of an operator command; false when it was already recorded.
    @discardableResult
    public func recordCommand(
        id: String, issuedBy: String, command: String, symbol: String?, reason: String, outcome: String, detail: String,
        issuedAt: Timestamp, appliedAt: Timestamp
    ) async throws -> Bool {
        let result = try await pool.execute(
            """
            INSERT INTO risk_operator_commands (command_id, issued_by, command, symbol, reason, outcome, detail, issued_at, applied_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (command_id) DO NOTHING
            """, [id, issuedBy, command, symbol, reason, outcome, detail, issuedAt.milliseconds, appliedAt.milliseconds])
        return result.affectedRows == 1
    }

    /// The outcome recorded for a command id, if any.
    public func commandOutcome(id: String) async throws -> String? {
        try await pool.execute("SELECT outcome FROM risk_operator_commands WHERE command_id = $1", [id]).rows.first?.string("outcome")
    }

    /// Everything risk needs at start, read from execution's tables and the control row.
    /// `trades` bounds the closed trades read; `now` picks the UTC day.
    public func startupState(now: Timestamp, trades: Int) async throws -> RiskStartupState {
        try await pool.withConnection { connection in
            var state = RiskStartupState()
            state.control = try await load(on: connection)
            for row in try await connection.execute(
                "SELECT symbol, side, size, average_price, leverage, sequence FROM exec_positions WHERE size > 0"
            ).rows {
                guard let side = Side(rawValue: try row.string("side")) else { continue }
                state.positions.append((
                    try Position(
                        symbol: try Symbol(try row.string("symbol")), side: side, size: try row.decode(Quantity.self, "size"),
                        averageEntryPrice: try row.decode(Price.self, "average_price"), realisedPnL: .zero,
                        leverage: try row.decode(FixedPoint.self, "leverage")),
                    UInt64(max(try row.int64("sequence"), 0))))
            }
            if let row = try await connection.execute(
                "SELECT equity, recorded_at FROM account_equity ORDER BY recorded_at DESC LIMIT 1").rows.first {
                state.equity = (try row.decode(Money.self, "equity"), Timestamp(milliseconds: try row.int64("recorded_at")))
            }
            let midnight = now.milliseconds - ((now.milliseconds % 86_400_000) + 86_400_000) % 86_400_000
            let dayFrom = max(midnight, state.control.dailyResetAt)
            if let row = try await connection.execute(
                "SELECT equity FROM account_equity WHERE recorded_at >= $1 ORDER BY recorded_at LIMIT 1", [dayFrom]).rows.first {
                state.dayStart = try row.decode(Money.self, "equity")
            }
            if let row = try await connection.execute(
                "SELECT max(equity) AS peak FROM account_equity WHERE recorded_at >= $1", [state.control.breakerResetAt]).rows.first {
                state.peak = try row.decodeOptional(Money.self, "peak")
            }
            let fills = try await connection.execute(
                """
                SELECT f.fill_id, f.venue_order_id, f.symbol, f.realised_pnl - f.fee AS pnl, f.filled_at, r.role
                FROM exec_fills f JOIN exec_fill_roles r USING (fill_id)
                WHERE f.realised_pnl <> 0 ORDER BY f.filled_at DESC, f.fill_id DESC LIMIT $1
                """, [trades])
            for row in fills.rows.reversed() {
                state.closedTrades.append((
                    try row.string("fill_id"), try row.string("venue_order_id"),
                    ClosedTrade(
                        symbol: try Symbol(try row.string("symbol")), pnl: try row.decode(Money.self, "pnl"),
                        closedAt: Timestamp(milliseconds: try row.int64("filled_at")), stoppedOut: try row.string("role") == "stop_loss")))
            }
            return state
        }
    }
}
