import Core
import Foundation
import OrderManagement
import Store

extension ExecutionLedger {
    /// Sets `realised_pnl` on the symbol's fills, replaying them through a `PositionAccount`
    /// from the last moment the position was flat (kept in `exec_position_books`), so the work
    /// per fill is bounded by the open position's fills. A fill older than that moment (a late
    /// REST delivery) replays the symbol from its first fill.
    func bookRealisedPnL(symbol: Symbol, newFill: Fill) async throws {
        try await pool.withTransaction { connection in
            try await connection.execute(
                """
                INSERT INTO exec_position_books (symbol, account, through_time, through_fill) VALUES ($1, $2::jsonb, 0, '')
                ON CONFLICT (symbol) DO NOTHING
                """, [symbol.rawValue, try Self.json(PositionAccount())])
            let book = try await connection.execute(
                "SELECT account::text, through_time, through_fill FROM exec_position_books WHERE symbol = $1 FOR UPDATE",
                [symbol.rawValue]).single()
            var account = try JSONDecoder().decode(PositionAccount.self, from: Data(try book.string(0).utf8))
            var through = (time: try book.int64(1), fill: try book.string(2))
            if (newFill.time.milliseconds, newFill.id) <= (through.time, through.fill) {
                account = PositionAccount()
                through = (0, "")
            }
            var checkpoint: (account: PositionAccount, time: Int64, fill: String)?
            let rows = try await connection.execute(
                """
                SELECT fill_id, venue_order_id, side, price::text, quantity::text, fee::text, fee_currency, is_maker, filled_at
                FROM exec_fills WHERE symbol = $1 AND (filled_at, fill_id) > ($2, $3) ORDER BY filled_at, fill_id
                """, [symbol.rawValue, through.time, through.fill]).rows
            for row in rows {
                let fill = try Self.fill(row, symbol: symbol)
                let realised = try account.apply(fill)
                try await connection.execute(
                    "UPDATE exec_fills SET realised_pnl = $2::numeric WHERE fill_id = $1", [fill.id, realised])
                if account.isFlat { checkpoint = (account, fill.time.milliseconds, fill.id) }
            }
            if let checkpoint {
                try await connection.execute(
                    "UPDATE exec_position_books SET account = $2::jsonb, through_time = $3, through_fill = $4 WHERE symbol = $1",
                    [symbol.rawValue, try Self.json(checkpoint.account), checkpoint.time, checkpoint.fill])
            }
        }
    }

    /// Records a funding settlement unless it is recorded already.
    public func record(_ payment: FundingPayment) async throws {
        try await pool.execute(
            """
            INSERT INTO exec_funding (funding_id, symbol, paid, paid_at) VALUES ($1, $2, $3::numeric, $4)
            ON CONFLICT (funding_id) DO NOTHING
            """, [payment.id, payment.symbol.rawValue, payment.paid, payment.time.milliseconds])
    }

    /// The fees and funding the symbol's open position has paid: since it was last flat.
    public func costsOfOpenPosition(symbol: Symbol) async throws -> (fees: Money, funding: Money) {
        let row = try await pool.execute(
            """
            WITH book AS (SELECT coalesce(max(through_time), 0) AS time, coalesce(max(through_fill), '') AS fill
                          FROM exec_position_books WHERE symbol = $1)
            SELECT (SELECT coalesce(sum(fee), 0) FROM exec_fills, book
                    WHERE symbol = $1 AND (filled_at, fill_id) > (book.time, book.fill))::text,
                   (SELECT coalesce(sum(paid), 0) FROM exec_funding, book WHERE symbol = $1 AND paid_at > book.time)::text
            """, [symbol.rawValue]).single()
        return (Money(try FixedPoint(parsing: row.string(0))), Money(try FixedPoint(parsing: row.string(1))))
    }

    /// The position Keel's recorded fills of `symbol` add up to: the book's last flat moment
    /// plus the fills since (not the symbol's whole history, on every poll).
    public func positionFromFills(symbol: Symbol) async throws -> PositionAccount {
        let book = try await pool.execute(
            "SELECT account::text, through_time, through_fill FROM exec_position_books WHERE symbol = $1", [symbol.rawValue]).rows.first
        var account = try book.map { try JSONDecoder().decode(PositionAccount.self, from: Data(try $0.string(0).utf8)) } ?? PositionAccount()
        for row in try await pool.execute(
            """
            SELECT fill_id, venue_order_id, side, price::text, quantity::text, fee::text, fee_currency, is_maker, filled_at
            FROM exec_fills WHERE symbol = $1 AND (filled_at, fill_id) > ($2, $3) ORDER BY filled_at, fill_id
            """, [symbol.rawValue, try book?.int64(1) ?? 0, try book?.string(2) ?? ""]).rows {
            try account.apply(try Self.fill(row, symbol: symbol))
        }
        return account
    }

    static func fill(_ row: PostgresRow, symbol: Symbol) throws -> Fill {
        guard let side = Side(rawValue: try row.string(2)) else { throw LedgerRowError(table: "exec_fills", column: "side") }
        return try Fill(
            id: row.string(0), orderID: row.string(1), symbol: symbol, side: side,
            price: Price(try FixedPoint(parsing: row.string(3))), quantity: Quantity(try FixedPoint(parsing: row.string(4))),
            fee: Money(try FixedPoint(parsing: row.string(5))), feeCurrency: row.string(6), isMaker: row.bool(7),
            time: Timestamp(milliseconds: try row.int64(8)))
    }

    static func json<Value: Encodable>(_ value: Value) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }
}
