import Core
import Foundation
import Hummingbird
import HummingbirdTesting
import Ledger
import Notifier
import Risk
import Store
import Testing

/// The notifier's JSON API over what execution and risk recorded in the real PostgreSQL.
@Suite("DashboardAPITests")
struct DashboardAPITests {
    static func withAPI(_ body: @escaping @Sendable (PostgresPool, any TestClientProtocol) async throws -> Void) async throws {
        try await withScratchDatabase("dashboard") { config in
            let pool = PostgresPool(config: config)
            defer { Task { await pool.close() } }
            try await Migrator().migrate(pool)
            let router = Router()
            DashboardAPI.add(to: router, queries: DashboardQueries(pool: pool))
            try await Application(router: router).test(.router) { client in try await body(pool, client) }
        }
    }

    static func json(_ response: TestResponse) throws -> [[String: Any]] {
        try #require(JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]])
    }

    @Test func positionsListOpenPositionsWithExactDecimals() async throws {
        try await Self.withAPI { pool, client in
            try await pool.execute(
                """
                INSERT INTO exec_positions (symbol, side, size, average_price, leverage, stop_loss, take_profit, sequence, updated_at)
                VALUES ('BTCUSDT', 'buy', 0.012, 30123.45, 3, 29900.1, 30500, 4, 1767571200000),
                       ('ETHUSDT', NULL, 0, 0, 3, NULL, NULL, 2, 1767571200000)
                """)
            try await client.execute(uri: "/api/positions", method: .get) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "application/json")
                let positions = try Self.json(response)
                #expect(positions.count == 1)
                let position = try #require(positions.first)
                #expect(position["symbol"] as? String == "BTCUSDT" && position["side"] as? String == "long")
                #expect(position["size"] as? String == "0.012" && position["average_price"] as? String == "30123.45")
                #expect(position["stop_loss"] as? String == "29900.1" && position["sequence"] as? Int == 4)
            }
        }
    }

    @Test func ordersFillsAndEquityAreNewestFirstAndLimited() async throws {
        try await Self.withAPI { pool, client in
            for minute in 0..<3 {
                let time = 1_767_571_200_000 + Int64(minute) * 60_000
                try await pool.execute(
                    """
                    INSERT INTO exec_orders (client_order_id, order_id, intent_id, symbol, side, order_type, role, status,
                                             reduce_only, quantity, created_at, updated_at)
                    VALUES ($1, $1, $1, 'BTCUSDT', 'buy', 'market', 'entry', 'Filled', false, 0.01, $2, $2)
                    """, ["order-\(minute)", time])
                try await pool.execute(
                    """
                    INSERT INTO exec_fills (fill_id, client_order_id, venue_order_id, symbol, side, price, quantity, fee,
                                            fee_currency, is_maker, filled_at)
                    VALUES ($1, $1, 'v', 'BTCUSDT', 'buy', 30000.5, 0.01, 0.165, 'USDT', false, $2)
                    """, ["fill-\(minute)", time])
                try await pool.execute(
                    """
                    INSERT INTO account_equity (account, currency, equity, wallet_balance, available_balance, unrealised_pnl,
                                                margin_used, recorded_at)
                    VALUES ('sim', 'USDT', $1::numeric, 100000, 99000, 0, 1000, $2)
                    """, ["10000\(minute).25", time])
            }
            try await client.execute(uri: "/api/orders?limit=2", method: .get) { response in
                let orders = try Self.json(response)
                #expect(orders.map { $0["client_order_id"] as? String } == ["order-2", "order-1"])
            }
            try await client.execute(uri: "/api/fills", method: .get) { response in
                let fills = try Self.json(response)
                #expect(fills.map { $0["fill_id"] as? String } == ["fill-2", "fill-1", "fill-0"])
                #expect(fills.first?["fee"] as? String == "0.165" && fills.first?["price"] as? String == "30000.5")
            }
            try await client.execute(uri: "/api/equity?limit=1", method: .get) { response in
                let equity = try Self.json(response)
                #expect(equity.map { $0["equity"] as? String } == ["100002.25"])
            }
        }
    }

    @Test func decisionsShowTheRejectionReason() async throws {
        try await Self.withAPI { pool, client in
            let intent = try Intent(
                id: "intent-1", strategy: "macd_rsi", symbol: Symbol("BTCUSDT"), side: .buy, kind: .entry,
                referencePrice: Price(parsing: "30000"), stopLoss: Price(parsing: "29700"), takeProfits: [],
                timeframe: .m1, candleTime: Timestamp(milliseconds: 1_767_571_200_000),
                createdAt: Timestamp(milliseconds: 1_767_571_260_000))
            _ = try await RiskDecisionLog(pool: pool).record(
                .rejected(.positionExists, detail: "BTCUSDT already has an open long"), for: intent,
                at: Timestamp(milliseconds: 1_767_571_261_000))
            try await client.execute(uri: "/api/decisions", method: .get) { response in
                let decision = try #require(try Self.json(response).first)
                #expect(decision["intent_id"] as? String == "intent-1" && decision["approved"] as? Bool == false)
                #expect(decision["reason"] as? String == "position_exists")
                #expect(decision["decided_at"] as? Int == 1_767_571_261_000)
                #expect(decision["verdicts"] is [Any])
            }
            // One intent's decision by its id; an unknown id finds none.
            try await client.execute(uri: "/api/decisions?intent_id=intent-1", method: .get) { response in
                let decisions = try Self.json(response)
                #expect(decisions.map { $0["intent_id"] as? String } == ["intent-1"])
            }
            try await client.execute(uri: "/api/decisions?intent_id=intent-2", method: .get) { response in
                let decisions = try Self.json(response)
                #expect(decisions.isEmpty)
            }
        }
    }

    @Test("a bad limit is refused, naming it", arguments: ["0", "1001", "ten", "-5"])
    func badLimit(limit: String) async throws {
        try await Self.withAPI { _, client in
            try await client.execute(uri: "/api/orders?limit=\(limit)", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("limit must be a whole number from 1 to 1000"))
            }
        }
    }

    @Test("an intent id with a NUL or over 200 bytes is refused before it reaches PostgreSQL", arguments: ["a%00b", String(repeating: "x", count: 201)])
    func badIntentID(id: String) async throws {
        try await Self.withAPI { _, client in
            try await client.execute(uri: "/api/decisions?intent_id=\(id)", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("intent_id must be 1 to 200 bytes of text without NUL characters"))
            }
        }
    }
}
