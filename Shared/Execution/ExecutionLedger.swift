import Core
import Exchange
import Store

/// Execution's records in PostgreSQL (migration 4): orders by client order id, fills by venue
/// execution id (each recorded once, whichever of stream, polling or reconciliation saw it
/// first), the latest position per symbol, and equity over time.
public struct ExecutionLedger: Sendable {
    /// The symbol's fence is ahead of this holder's token: its lock lease expired and another
    /// instance has taken the symbol since. It must not act.
    public struct StaleFence: Error, CustomStringConvertible {
        public let symbol: Symbol
        public let token: Int64
        public var description: String { "fencing token \(token) of \(symbol) is stale: another instance holds the symbol" }
    }

    /// What recording an approved order found.
    public enum Claim: Sendable, Equatable {
        /// First time: place it.
        case new
        /// Recorded before but never confirmed by the venue: place it again (the venue
        /// dedupes on the `orderLinkId`).
        case unconfirmed
        /// The venue has it (or refused it): nothing to place.
        case settled
    }

    public static let submitting = "Submitting"
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// In one transaction: raises the symbol's fence to `fence` (throwing `StaleFence` when a
    /// newer holder got there first) and records `order` as submitting unless it exists.
    public func claim(_ order: VenueOrder, role: String, intentID: String, fence: Int64, at time: Timestamp) async throws -> Claim {
        let request = order.request
        return try await pool.withTransaction { connection in
            let raised = try await connection.execute(
                """
                INSERT INTO exec_fences (symbol, token) VALUES ($1, $2)
                ON CONFLICT (symbol) DO UPDATE SET token = EXCLUDED.token WHERE exec_fences.token <= EXCLUDED.token
                """, [request.symbol.rawValue, fence])
            guard raised.affectedRows == 1 else { throw StaleFence(symbol: request.symbol, token: fence) }
            let inserted = try await connection.execute(
                """
                INSERT INTO exec_orders (client_order_id, order_id, intent_id, symbol, side, order_type, role, status,
                                         reduce_only, quantity, fence_token, created_at, updated_at)
                VALUES ($1, $2, $2, $3, $4, 'market', $5, $6, $7, $8::numeric, $9, $10, $10)
                ON CONFLICT (client_order_id) DO NOTHING
                """,
                [request.orderLinkID, intentID, request.symbol.rawValue, request.side.rawValue, role, Self.submitting,
                 request.reduceOnly, request.quantity, fence, time.milliseconds])
            if inserted.affectedRows == 1 { return .new }
            let status = try await connection.execute(
                "SELECT status FROM exec_orders WHERE client_order_id = $1", [request.orderLinkID]).single().string(0)
            return status == Self.submitting ? .unconfirmed : .settled
        }
    }

    /// The venue acknowledged the order.
    public func recordAcknowledged(clientOrderID: String, venueOrderID: String, at time: Timestamp) async throws {
        try await pool.execute(
            """
            UPDATE exec_orders SET venue_order_id = $2, updated_at = $3,
                   status = CASE WHEN status = 'Submitting' THEN 'New' ELSE status END
            WHERE client_order_id = $1
            """, [clientOrderID, venueOrderID, time.milliseconds])
        try await linkFills(venueOrderID: venueOrderID)
    }

    /// Fills can arrive before their order's venue id is known (the venue pushes the execution
    /// before the order update, and before the create's reply): once it is, they are tied to
    /// the order, whose fees are their sum.
    private func linkFills(venueOrderID: String) async throws {
        try await pool.execute(
            """
            WITH linked AS (
                UPDATE exec_fills SET client_order_id = exec_orders.client_order_id FROM exec_orders
                WHERE exec_orders.venue_order_id = $1 AND exec_fills.venue_order_id = $1 AND exec_fills.client_order_id = ''
            )
            UPDATE exec_orders SET fees_paid = (SELECT coalesce(sum(fee), 0) FROM exec_fills WHERE venue_order_id = $1)
            WHERE venue_order_id = $1
            """, [venueOrderID])
    }

    /// The order did not reach the venue, or the venue refused it.
    public func recordRejected(clientOrderID: String, reason: String, at time: Timestamp) async throws {
        try await pool.execute(
            "UPDATE exec_orders SET status = 'Rejected', reject_reason = $2, updated_at = $3 WHERE client_order_id = $1",
            [clientOrderID, reason, time.milliseconds])
    }

    /// Applies the venue's view of one of Keel's orders; false for orders Keel did not place
    /// (e.g. the venue's own TP/SL orders), which are not recorded.
    @discardableResult
    public func record(_ order: Order, at time: Timestamp) async throws -> Bool {
        let updated = try await pool.execute(
            """
            UPDATE exec_orders SET venue_order_id = coalesce($2, venue_order_id), status = $3,
                   filled_quantity = $4::numeric, average_price = $5::numeric, updated_at = $6
            WHERE client_order_id = $1
            """,
            [order.clientOrderID, order.exchangeOrderID, order.status.rawValue, order.filledQuantity, order.averagePrice,
             time.milliseconds])
        if let venueOrderID = order.exchangeOrderID { try await linkFills(venueOrderID: venueOrderID) }
        return updated.affectedRows == 1
    }

    /// Records `fill` unless it is recorded already; true when it is new.
    public func record(_ fill: Fill) async throws -> Bool {
        let inserted = try await pool.execute(
                """
                INSERT INTO exec_fills (fill_id, client_order_id, venue_order_id, symbol, side, price, quantity, fee,
                                        fee_currency, is_maker, filled_at)
                VALUES ($1, coalesce((SELECT client_order_id FROM exec_orders WHERE venue_order_id = $2 LIMIT 1), ''), $2, $3,
                        $4, $5::numeric, $6::numeric, $7::numeric, $8, $9, $10)
                ON CONFLICT (fill_id) DO NOTHING
                """,
                [fill.id, fill.orderID, fill.symbol.rawValue, fill.side.rawValue, fill.price, fill.quantity, fill.fee,
                 fill.feeCurrency, fill.isMaker, fill.time.milliseconds])
        guard inserted.affectedRows == 1 else { return false }
        try await linkFills(venueOrderID: fill.orderID)
        return true
    }

    /// Records the symbol's position; returns its new sequence number.
    public func record(_ position: Position, details: BybitPositionRecord?, at time: Timestamp) async throws -> UInt64 {
        let result = try await pool.execute(
            """
            INSERT INTO exec_positions (symbol, side, size, average_price, mark_price, unrealised_pnl, realised_pnl, leverage,
                                        liquidation_price, stop_loss, take_profit, sequence, updated_at)
            VALUES ($1, $2, $3::numeric, $4::numeric, $5::numeric, coalesce($6::numeric, 0), $7::numeric, $8::numeric,
                    $9::numeric, $10::numeric, $11::numeric, 1, $12)
            ON CONFLICT (symbol) DO UPDATE SET
                side = EXCLUDED.side, size = EXCLUDED.size, average_price = EXCLUDED.average_price,
                mark_price = coalesce(EXCLUDED.mark_price, exec_positions.mark_price),
                unrealised_pnl = EXCLUDED.unrealised_pnl, realised_pnl = EXCLUDED.realised_pnl, leverage = EXCLUDED.leverage,
                liquidation_price = EXCLUDED.liquidation_price, stop_loss = EXCLUDED.stop_loss,
                take_profit = EXCLUDED.take_profit, sequence = exec_positions.sequence + 1, updated_at = EXCLUDED.updated_at
            RETURNING sequence
            """,
            [position.symbol.rawValue, position.side?.rawValue, position.size, position.averageEntryPrice,
             details?.markPrice, details?.unrealisedPnL, position.realisedPnL, position.leverage, details?.liquidationPrice,
             details?.stopLoss, details?.takeProfit, time.milliseconds])
        return UInt64(try result.single().int64(0))
    }

    /// Records the account's equity at `time`.
    public func record(_ wallet: BybitWalletBalance, account: String, at time: Timestamp) async throws {
        try await pool.execute(
            """
            INSERT INTO account_equity (account, currency, equity, wallet_balance, available_balance, unrealised_pnl,
                                        margin_used, recorded_at)
            VALUES ($1, 'USDT', $2::numeric, $3::numeric, $4::numeric, $5::numeric, $6::numeric, $7)
            ON CONFLICT (account, recorded_at) DO NOTHING
            """,
            [account, wallet.totalEquity, wallet.totalWalletBalance, wallet.totalAvailableBalance, wallet.totalPerpUPL,
             wallet.totalInitialMargin, time.milliseconds])
    }

    /// Keel's orders the venue may still be working on, or that never got an answer.
    public func unsettledOrders() async throws -> [(clientOrderID: String, symbol: Symbol)] {
        try await pool.execute(
            """
            SELECT client_order_id, symbol FROM exec_orders
            WHERE status IN ('Submitting', 'New', 'PartiallyFilled', 'Untriggered', 'Triggered') ORDER BY created_at
            """
        ).rows.map { (try $0.string(0), try Symbol($0.string(1))) }
    }

    /// The time of the newest fill recorded for `symbol`.
    public func latestFillTime(symbol: Symbol) async throws -> Timestamp? {
        try await pool.execute("SELECT max(filled_at) FROM exec_fills WHERE symbol = $1", [symbol.rawValue])
            .single().optionalInt64(0).map { Timestamp(milliseconds: $0) }
    }

    /// One order as recorded, for publishing.
    public func order(clientOrderID: String) async throws -> RecordedOrder? {
        try await pool.execute(
            """
            SELECT client_order_id, intent_id, venue_order_id, symbol, side, role, status, reduce_only, quantity::text,
                   filled_quantity::text, average_price::text, fees_paid::text, reject_reason, created_at, updated_at
            FROM exec_orders WHERE client_order_id = $1
            """, [clientOrderID]
        ).rows.first.map(RecordedOrder.init(row:))
    }
}

/// An `exec_orders` row.
public struct RecordedOrder: Sendable, Hashable {
    public let clientOrderID: String
    public let intentID: String
    public let venueOrderID: String?
    public let symbol: Symbol
    public let side: Side
    public let role: String
    public let status: String
    public let reduceOnly: Bool
    public let quantity: Quantity
    public let filledQuantity: Quantity
    public let averagePrice: Price?
    public let feesPaid: Money
    public let rejectReason: String
    public let createdAt: Timestamp
    public let updatedAt: Timestamp

    init(row: PostgresRow) throws {
        clientOrderID = try row.string(0)
        intentID = try row.string(1)
        venueOrderID = try row.optionalString(2)
        symbol = try Symbol(row.string(3))
        guard let side = Side(rawValue: try row.string(4)) else { throw LedgerRowError(column: "side") }
        self.side = side
        role = try row.string(5)
        status = try row.string(6)
        reduceOnly = try row.string(7) == "t"
        quantity = Quantity(try FixedPoint(parsing: row.string(8)))
        filledQuantity = Quantity(try FixedPoint(parsing: row.string(9)))
        averagePrice = try row.optionalString(10).map { Price(try FixedPoint(parsing: $0)) }
        feesPaid = Money(try FixedPoint(parsing: row.string(11)))
        rejectReason = try row.string(12)
        createdAt = Timestamp(milliseconds: try row.int64(13))
        updatedAt = Timestamp(milliseconds: try row.int64(14))
    }
}

struct LedgerRowError: Error, CustomStringConvertible {
    let column: String
    var description: String { "exec_orders.\(column) holds a value Keel does not know" }
}
