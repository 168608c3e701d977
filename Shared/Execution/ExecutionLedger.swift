import Core
import Exchange
import OrderManagement
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
    /// newer holder got there first), records `order` as submitting unless it exists, and
    /// records the trade it opens (an entry's plan), so a crash right after can never leave an
    /// order on the venue that Keel does not manage.
    public func claim(
        _ order: VenueOrder, role: String, intentID: String, opening trade: (plan: TradePlan, state: TradeState)? = nil,
        fence: Int64, at time: Timestamp
    ) async throws -> Claim {
        let request = order.request
        return try await pool.withTransaction { connection in
            try await Self.raise(fence, of: request.symbol, on: connection)
            let limitPrice: Price? = if case .limit(let price, _) = request.kind { price } else { nil }
            let inserted = try await connection.execute(
                """
                INSERT INTO exec_orders (client_order_id, order_id, intent_id, symbol, side, order_type, role, status,
                                         reduce_only, quantity, limit_price, fence_token, created_at, updated_at)
                VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, $9::numeric, $10::numeric, $11, $12, $12)
                ON CONFLICT (client_order_id) DO NOTHING
                """,
                [request.orderLinkID, intentID, request.symbol.rawValue, request.side.rawValue,
                 limitPrice == nil ? "market" : "limit", role, Self.submitting, request.reduceOnly, request.quantity,
                 limitPrice, fence, time.milliseconds])
            if let trade, inserted.affectedRows == 1 {
                try await TradeRows.supersede(symbol: request.symbol, by: trade.plan.intentID, at: time, on: connection)
                try await TradeRows.insert(trade.plan, trade.state, fence: fence, at: time, on: connection)
            }
            if inserted.affectedRows == 1 { return .new }
            let status = try await connection.execute(
                "SELECT status FROM exec_orders WHERE client_order_id = $1", [request.orderLinkID]).single().string(0)
            return status == Self.submitting ? .unconfirmed : .settled
        }
    }

    /// Raises the symbol's fence to `fence`; throws `StaleFence` when it is already higher.
    static func raise(_ fence: Int64, of symbol: Symbol, on connection: PostgresConnection) async throws {
        let raised = try await connection.execute(
            """
            INSERT INTO exec_fences (symbol, token) VALUES ($1, $2)
            ON CONFLICT (symbol) DO UPDATE SET token = EXCLUDED.token WHERE exec_fences.token <= EXCLUDED.token
            """, [symbol.rawValue, fence])
        guard raised.affectedRows == 1 else { throw StaleFence(symbol: symbol, token: fence) }
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
        try await pool.withConnection { try await Self.linkFills(venueOrderID: venueOrderID, on: $0) }
    }

    static func linkFills(venueOrderID: String, on connection: PostgresConnection) async throws {
        try await connection.execute(
            """
            WITH linked AS (
                UPDATE exec_fills SET client_order_id = exec_orders.client_order_id FROM exec_orders
                WHERE exec_orders.venue_order_id = $1 AND exec_fills.venue_order_id = $1 AND exec_fills.client_order_id = ''
            )
            UPDATE exec_orders SET fees_paid = (SELECT coalesce(sum(fee), 0) FROM exec_fills WHERE venue_order_id = $1)
            WHERE venue_order_id = $1
            """, [venueOrderID])
    }

    /// Ties fills still without their order to it: a fill and its order's first report recorded
    /// at the same moment can each miss the other. Reconciliation sweeps them up.
    public func linkStrayFills() async throws {
        let stray = try await pool.execute(
            """
            SELECT DISTINCT exec_fills.venue_order_id FROM exec_fills JOIN exec_orders USING (venue_order_id)
            WHERE exec_fills.client_order_id = ''
            """).rows.map { try $0.string(0) }
        for venueOrderID in stray { try await linkFills(venueOrderID: venueOrderID) }
    }

    /// The order did not reach the venue, or the venue refused it.
    public func recordRejected(clientOrderID: String, reason: String, at time: Timestamp) async throws {
        try await pool.execute(
            "UPDATE exec_orders SET status = 'Rejected', reject_reason = $2, updated_at = $3 WHERE client_order_id = $1",
            [clientOrderID, reason, time.milliseconds])
    }

    /// What recording a venue report about an order did.
    public enum ReportOutcome: Sendable, Hashable {
        /// Recorded: the order moved on.
        case recorded
        /// Nothing new.
        case unchanged
        /// No order of Keel's has this client order id.
        case unknownOrder
        /// The report was older than the record, or a step no order can take: not recorded
        /// (an anomaly row says why).
        case refused(OrderReportVerdict)
    }

    /// Applies the venue's report of one of Keel's orders, unless the order state machine
    /// refuses it (see `OrderStateMachine.judge`).
    @discardableResult
    public func record(_ update: BybitOrderUpdate, at time: Timestamp) async throws -> ReportOutcome {
        let order = update.order
        return try await pool.withTransaction { connection in
            guard let row = try await connection.execute(
                """
                SELECT status, filled_quantity::text, venue_updated_at FROM exec_orders WHERE client_order_id = $1 FOR UPDATE
                """, [order.clientOrderID]).rows.first
            else { return .unknownOrder }
            let status = try row.string(0)
            let recorded = OrderProgress(
                status: status == Self.submitting ? nil : OrderStatus(rawValue: status),
                filledQuantity: Quantity(try FixedPoint(parsing: row.string(1))),
                venueUpdatedAt: try row.optionalInt64(2).map { Timestamp(milliseconds: $0) })
            let verdict = OrderStateMachine.judge(
                recorded: recorded,
                report: OrderProgress(status: order.status, filledQuantity: order.filledQuantity, venueUpdatedAt: update.updatedTime))
            switch verdict {
            case .apply:
                try await connection.execute(
                    """
                    UPDATE exec_orders SET venue_order_id = coalesce($2, venue_order_id), status = $3,
                           filled_quantity = $4::numeric, average_price = $5::numeric, venue_updated_at = $6, updated_at = $7
                    WHERE client_order_id = $1
                    """,
                    [order.clientOrderID, order.exchangeOrderID, order.status.rawValue, order.filledQuantity, order.averagePrice,
                     update.updatedTime.milliseconds, time.milliseconds])
            case .duplicate:
                try await connection.execute(
                    "UPDATE exec_orders SET venue_order_id = coalesce(venue_order_id, $2) WHERE client_order_id = $1",
                    [order.clientOrderID, order.exchangeOrderID])
            case .stale(let why), .impossible(let why):
                try await Anomalies.insert(
                    kind: verdict == .stale(why) ? "stale_order_report" : "impossible_order_report", symbol: order.symbol,
                    detail: "\(order.clientOrderID): reported \(order.status.rawValue) filled \(order.filledQuantity): \(why)",
                    action: "report ignored; the record stands", at: time, on: connection)
            }
            if let venueOrderID = order.exchangeOrderID { try await Self.linkFills(venueOrderID: venueOrderID, on: connection) }
            return switch verdict {
            case .apply: .recorded
            case .duplicate: .unchanged
            case .stale, .impossible: .refused(verdict)
            }
        }
    }

    /// Records `fill` unless it is recorded already; true when it is new.
    public func record(_ fill: Fill) async throws -> Bool {
        let inserted = try await pool.execute(
                """
                INSERT INTO exec_fills (fill_id, client_order_id, venue_order_id, symbol, side, price, quantity, fee,
                                        fee_currency, is_maker, filled_at, venue_stop)
                VALUES ($1, coalesce((SELECT client_order_id FROM exec_orders WHERE venue_order_id = $2 LIMIT 1), ''), $2, $3,
                        $4, $5::numeric, $6::numeric, $7::numeric, $8, $9, $10, $11)
                ON CONFLICT (fill_id) DO NOTHING
                """,
                [fill.id, fill.orderID, fill.symbol.rawValue, fill.side.rawValue, fill.price, fill.quantity, fill.fee,
                 fill.feeCurrency, fill.isMaker, fill.time.milliseconds, fill.venueStop?.rawValue])
        guard inserted.affectedRows == 1 else { return false }
        try await linkFills(venueOrderID: fill.orderID)
        try await bookRealisedPnL(symbol: fill.symbol, newFill: fill)
        return true
    }

    /// What `exec.fills.v1` says of a recorded fill beyond the venue's report.
    public func context(ofFill id: String) async throws -> FillContext {
        let row = try await pool.execute(
            """
            SELECT f.client_order_id, r.intent_id, r.role, f.realised_pnl::text
            FROM exec_fills f JOIN exec_fill_roles r USING (fill_id) WHERE f.fill_id = $1
            """, [id]).single()
        return FillContext(
            clientOrderID: try row.string(0), intentID: try row.string(1), role: try row.string(2),
            realisedPnL: Money(try FixedPoint(parsing: try row.string(3))))
    }

    /// Records the symbol's position; returns its new sequence number, or nil when the record
    /// holds a newer state (by the venue's `venueTime`: a late stream push, a slow poll).
    /// Without `details` (a stream push) the venue's stops, mark and liquidation price recorded
    /// before are kept.
    public func record(
        _ position: Position, details: BybitPositionRecord?, venueTime: Timestamp?, at time: Timestamp
    ) async throws -> UInt64? {
        let result = try await pool.execute(
            """
            INSERT INTO exec_positions (symbol, side, size, average_price, mark_price, unrealised_pnl, realised_pnl, leverage,
                                        liquidation_price, stop_loss, take_profit, trailing_stop, sequence, updated_at,
                                        venue_updated_at)
            VALUES ($1, $2, $3::numeric, $4::numeric, $5::numeric, coalesce($6::numeric, 0), $7::numeric, $8::numeric,
                    $9::numeric, $10::numeric, $11::numeric, $12::numeric, 1, $13, $15::bigint)
            ON CONFLICT (symbol) DO UPDATE SET
                side = EXCLUDED.side, size = EXCLUDED.size, average_price = EXCLUDED.average_price,
                realised_pnl = EXCLUDED.realised_pnl, leverage = EXCLUDED.leverage,
                mark_price = CASE WHEN $14 THEN EXCLUDED.mark_price ELSE exec_positions.mark_price END,
                unrealised_pnl = CASE WHEN $14 THEN EXCLUDED.unrealised_pnl ELSE exec_positions.unrealised_pnl END,
                liquidation_price = CASE WHEN $14 THEN EXCLUDED.liquidation_price ELSE exec_positions.liquidation_price END,
                stop_loss = CASE WHEN $14 THEN EXCLUDED.stop_loss ELSE exec_positions.stop_loss END,
                take_profit = CASE WHEN $14 THEN EXCLUDED.take_profit ELSE exec_positions.take_profit END,
                trailing_stop = CASE WHEN $14 THEN EXCLUDED.trailing_stop ELSE exec_positions.trailing_stop END,
                sequence = exec_positions.sequence + 1, updated_at = EXCLUDED.updated_at,
                venue_updated_at = coalesce(EXCLUDED.venue_updated_at, exec_positions.venue_updated_at)
            WHERE EXCLUDED.venue_updated_at IS NULL OR exec_positions.venue_updated_at IS NULL
               OR EXCLUDED.venue_updated_at >= exec_positions.venue_updated_at
            RETURNING sequence
            """,
            [position.symbol.rawValue, position.side?.rawValue, position.size, position.averageEntryPrice,
             details?.markPrice, details?.unrealisedPnL, position.realisedPnL, position.leverage, details?.liquidationPrice,
             details?.stopLoss, details?.takeProfit, details?.trailingStop, time.milliseconds, details != nil,
             venueTime?.milliseconds])
        return try result.rows.first.map { UInt64(try $0.int64(0)) }
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

    /// Keel's orders the venue may still be working on with no update since `quietSince`, and
    /// those that never got an answer.
    public func unsettledOrders(quietSince: Timestamp) async throws -> [(clientOrderID: String, symbol: Symbol)] {
        try await pool.execute(
            """
            SELECT client_order_id, symbol FROM exec_orders
            WHERE status = 'Submitting'
               OR (status IN ('New', 'PartiallyFilled', 'Untriggered', 'Triggered') AND updated_at <= $1)
            ORDER BY created_at
            """, [quietSince.milliseconds]
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
                   filled_quantity::text, average_price::text, fees_paid::text, reject_reason, created_at, updated_at,
                   limit_price::text
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
    /// nil for a market order.
    public let limitPrice: Price?
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
        limitPrice = try row.optionalString(15).map { Price(try FixedPoint(parsing: $0)) }
    }
}

struct LedgerRowError: Error, CustomStringConvertible {
    var table = "exec_orders"
    let column: String
    var description: String { "\(table).\(column) holds a value Keel does not know" }
}

/// A recorded fill's place in Keel's books: the Keel order it belongs to (client id and intent;
/// empty for an order Keel did not place), its role (`exec_fill_roles`), and the PnL it realised
/// before its fee.
public struct FillContext: Sendable, Hashable {
    public let clientOrderID: String
    public let intentID: String
    public let role: String
    public let realisedPnL: Money
}
