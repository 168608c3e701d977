import Core
import Exchange
import Foundation
import OrderManagement
import Store

/// One `exec_trades` row: an approved entry's plan and where it is.
public struct RecordedTrade: Sendable, Hashable {
    public let plan: TradePlan
    public let state: TradeState
}

/// `exec_trades` statements shared by the ledger's transactions.
enum TradeRows {
    static func insert(_ plan: TradePlan, _ state: TradeState, fence: Int64, at time: Timestamp, on connection: PostgresConnection) async throws {
        try await connection.execute(
            """
            INSERT INTO exec_trades (intent_id, symbol, phase, plan, state, fence_token, created_at, updated_at)
            VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $7)
            ON CONFLICT (intent_id) DO NOTHING
            """,
            [plan.intentID, plan.symbol.rawValue, state.phase.rawValue, try ExecutionLedger.json(plan),
             try ExecutionLedger.json(state), fence, time.milliseconds])
    }
}

extension TradeRows {
    /// Closes the symbol's open and closing trades when a new entry is approved for it: risk
    /// approves an entry only when the symbol has no position, so they are over, whether or not
    /// Keel saw their position go flat (an exit filled between two looks). Without this they
    /// would stay closing, and an open one would take the new position for its own. A trade
    /// whose entry still works keeps managing it (its timeout and expiry cancel it).
    static func supersede(symbol: Symbol, by intentID: String, at time: Timestamp, on connection: PostgresConnection) async throws {
        try await connection.execute(
            """
            UPDATE exec_trades SET phase = 'closed', close_reason = $3,
                   state = jsonb_set(jsonb_set(state, '{phase}', '"closed"'), '{closeReason}', to_jsonb($3::text)), updated_at = $4
            WHERE symbol = $1 AND phase IN ('open', 'closing') AND intent_id <> $2
            """, [symbol.rawValue, intentID, "superseded by the entry of intent \(intentID)", time.milliseconds])
    }
}

/// `exec_anomalies` rows: what execution found wrong and what it did about it.
enum Anomalies {
    static func insert(
        kind: String, symbol: Symbol?, detail: String, action: String, at time: Timestamp, on connection: PostgresConnection
    ) async throws {
        try await connection.execute(
            "INSERT INTO exec_anomalies (kind, symbol, detail, action, recorded_at) VALUES ($1, $2, $3, $4, $5)",
            [kind, symbol?.rawValue, detail, action, time.milliseconds])
    }
}

extension ExecutionLedger {
    /// The symbol's trades that are not closed, oldest first.
    public func activeTrades(symbol: Symbol) async throws -> [RecordedTrade] {
        try await pool.execute(
            """
            SELECT plan::text, state::text FROM exec_trades WHERE symbol = $1 AND phase <> 'closed' ORDER BY created_at
            """, [symbol.rawValue]
        ).rows.map { row in
            RecordedTrade(
                plan: try JSONDecoder().decode(TradePlan.self, from: Data(try row.string(0).utf8)),
                state: try JSONDecoder().decode(TradeState.self, from: Data(try row.string(1).utf8)))
        }
    }

    /// The symbols with trades that are not closed.
    public func symbolsWithActiveTrades() async throws -> [Symbol] {
        try await pool.execute("SELECT DISTINCT symbol FROM exec_trades WHERE phase <> 'closed' ORDER BY symbol")
            .rows.map { try Symbol($0.string(0)) }
    }

    /// Saves a trade's state under the symbol's fence (`StaleFence` when a newer holder has it).
    public func save(_ trade: TradePlan, state: TradeState, fence: Int64, at time: Timestamp) async throws {
        try await pool.withTransaction { connection in
            try await Self.raise(fence, of: trade.symbol, on: connection)
            try await connection.execute(
                """
                UPDATE exec_trades SET phase = $2, state = $3::jsonb, close_reason = $4, fence_token = $5, updated_at = $6
                WHERE intent_id = $1
                """,
                [trade.intentID, state.phase.rawValue, try Self.json(state), state.closeReason, fence, time.milliseconds])
        }
    }

    /// The orders of the trade of `intentID`, by client order id.
    public func tradeOrders(intentID: String) async throws -> [String: OrderFacts] {
        var orders: [String: OrderFacts] = [:]
        for row in try await pool.execute(
            "SELECT client_order_id, status, filled_quantity::text, venue_updated_at FROM exec_orders WHERE intent_id = $1",
            [intentID]).rows {
            let status = try row.string(1)
            orders[try row.string(0)] = OrderFacts(
                status: status == Self.submitting ? nil : OrderStatus(rawValue: status),
                filledQuantity: Quantity(try FixedPoint(parsing: row.string(2))),
                updatedAt: try row.optionalInt64(3).map { Timestamp(milliseconds: $0) })
        }
        return orders
    }

    /// Records an anomaly.
    public func recordAnomaly(kind: String, symbol: Symbol?, detail: String, action: String, at time: Timestamp) async throws {
        try await pool.withConnection { connection in
            try await Anomalies.insert(kind: kind, symbol: symbol, detail: detail, action: action, at: time, on: connection)
        }
    }

    /// Whether Keel has a record of the venue order (by client order id, or venue id for orders
    /// placed without one).
    public func knows(clientOrderID: String, venueOrderID: String) async throws -> Bool {
        try await pool.execute(
            "SELECT 1 FROM exec_orders WHERE client_order_id = $1 OR venue_order_id = $2 LIMIT 1",
            [clientOrderID.isEmpty ? venueOrderID : clientOrderID, venueOrderID]).rows.isEmpty == false
    }

    /// Takes a venue order Keel did not place into the records, as role `adopted`, so its state
    /// and fills are followed from now on. Its client order id is the venue's, or the venue
    /// order id when it has none.
    public func adopt(_ order: BybitOrderRecord, at time: Timestamp) async throws {
        let id = order.orderLinkID.isEmpty ? order.orderID : order.orderLinkID
        try await pool.execute(
            """
            INSERT INTO exec_orders (client_order_id, order_id, intent_id, venue_order_id, symbol, side, order_type, role,
                                     status, reduce_only, quantity, limit_price, filled_quantity, venue_updated_at,
                                     created_at, updated_at)
            VALUES ($1, $1, '', $2, $3, $4, $5, 'adopted', $6, $7, $8::numeric, $9::numeric, $10::numeric, $11, $12, $12)
            ON CONFLICT (client_order_id) DO NOTHING
            """,
            [id, order.orderID, order.symbol.rawValue, order.side.rawValue, order.type.rawValue, order.status.rawValue,
             order.reduceOnly, order.quantity, order.price, order.executedQuantity, order.updatedTime.milliseconds,
             time.milliseconds])
    }
}
