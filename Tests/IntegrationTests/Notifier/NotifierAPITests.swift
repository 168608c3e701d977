import Bus
import Core
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Notifier
import Runtime
import Schemas
import Store
import Synchronization
import Testing

/// The notifier's API (`NotifierAPI`) over the real PostgreSQL and broker: tokens, security
/// headers, the operator commands on `ops.commands.v1`, the statistics, the snapshot and the
/// live stream.
@Suite("Notifier API", .serialized)
struct NotifierAPITests {
    static let readToken = "read-token-0123456789"
    static let operatorToken = "operator-token-0123456789"
    static let logger = Logger(label: "keel.test.notifier-api")

    static func makeAPI(pool: PostgresPool, producer: KafkaProducer, maximumStreams: Int = 4) throws -> (NotifierAPI, DashboardFeed) {
        let queries = DashboardQueries(pool: pool)
        let health = ServiceHealth(pool: pool, kafka: try TestEnvironment.kafka())
        let feed = DashboardFeed(
            queries: queries, interval: .milliseconds(100), maximumStreams: maximumStreams,
            health: { try await health.json(now: .systemNow()) })
        let api = NotifierAPI(
            queries: queries, feed: feed, commands: OperatorCommandSender(producer: producer), readToken: Secret(readToken),
            operatorToken: Secret(operatorToken))
        return (api, feed)
    }

    /// Runs `body` against the API on a scratch database; `mode` .live serves it on a loopback port.
    static func withAPI(
        _ mode: TestingSetup = .router, maximumStreams: Int = 4,
        _ body: @escaping @Sendable (PostgresPool, DashboardFeed, any TestClientProtocol) async throws -> Void
    ) async throws {
        try await withScratchDatabase("notifier-api") { config in
            let pool = PostgresPool(config: config)
            defer { Task { await pool.close() } }
            try await Migrator().migrate(pool)
            try await TopicAdmin(config: try TestEnvironment.kafka()).create([.init(name: Topic.opsCommands.rawValue, partitions: 3)])
            let producer = try KafkaProducer(config: try TestEnvironment.kafka(), logger: logger)
            defer { producer.close() }
            let (api, feed) = try makeAPI(pool: pool, producer: producer, maximumStreams: maximumStreams)
            // As in the service: the health routes first, then the API.
            let router = Router()
            let probe = ReadinessProbe(checks: [DependencyCheck(name: "postgres") { _ = try await pool.execute("SELECT 1") }])
            HealthRoutes.add(to: router, service: "notifier", probe: probe)
            api.add(to: router)
            try await Application(router: router).test(mode) { client in try await body(pool, feed, client) }
        }
    }

    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    static func object(_ response: TestResponse) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    static func errorMessage(_ response: TestResponse) throws -> String {
        let error = try #require(try object(response)["error"] as? [String: Any])
        return try #require(error["message"] as? String)
    }

    @Test("reads take either token, commands only the operator's; no or a wrong token is 401")
    func tokens() async throws {
        try await Self.withAPI { _, _, client in
            try await client.execute(uri: "/api/positions", method: .get) { response throws in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"keel\"")
                #expect(try Self.errorMessage(response).contains("Authorization: Bearer"))
            }
            for header: HTTPFields in [Self.bearer("read-token-0123456780"), [.authorization: "Basic \(Self.readToken)"], Self.bearer("")] {
                try await client.execute(uri: "/api/stats", method: .get, headers: header) { #expect($0.status == .unauthorized) }
            }
            for token in [Self.readToken, Self.operatorToken] {
                try await client.execute(uri: "/api/positions", method: .get, headers: Self.bearer(token)) { #expect($0.status == .ok) }
            }
            try await client.execute(uri: "/api/commands/pause", method: .post, headers: Self.bearer(Self.readToken)) { response throws in
                #expect(response.status == .forbidden)
                #expect(try Self.errorMessage(response).contains("operator token"))
            }
            try await client.execute(uri: "/api/commands/pause", method: .post) { #expect($0.status == .unauthorized) }
            // The dashboard's own files hold no data and need no token.
            for (path, type) in [("/", "text/html"), ("/dashboard.js", "text/javascript"), ("/dashboard.css", "text/css")] {
                try await client.execute(uri: path, method: .get) { response throws in
                    #expect(response.status == .ok && response.headers[.contentType]?.hasPrefix(type) == true)
                }
            }
            try await client.execute(uri: "/api/openapi.json", method: .get) { #expect($0.status == .unauthorized) }
        }
    }

    @Test("every response carries the security headers, refusals included; API data is never cached")
    func securityHeaders() async throws {
        try await Self.withAPI { _, _, client in
            for (path, headers) in [("/api/positions", Self.bearer(Self.readToken)), ("/api/positions", [:]), ("/", [:]), ("/api/nothing", Self.bearer(Self.readToken))] {
                try await client.execute(uri: path, method: .get, headers: headers) { response throws in
                    #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(path)")
                    #expect(response.headers[HTTPFields.Element.Name("X-Frame-Options")!] == "DENY")
                    #expect(response.headers[HTTPFields.Element.Name("Referrer-Policy")!] == "no-referrer")
                    let policy = try #require(response.headers[.contentSecurityPolicy])
                    #expect(policy.contains("default-src 'none'") && policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"))
                }
            }
            try await client.execute(uri: "/api/positions", method: .get, headers: Self.bearer(Self.readToken)) { response throws in
                #expect(response.headers[.cacheControl] == "no-store")
            }
        }
    }

    @Test("each command goes to ops.commands.v1 once, as api:operator, keyed as the topic asks")
    func commandsArePublished() async throws {
        let run = TestEnvironment.uniqueName("cmd")
        try await Self.withAPI { _, _, client in
            let requests: [(String, String)] = [
                ("pause", #"{"command_id": "\#(run)-1", "reason": "news at 14:00"}"#), ("close", #"{"command_id": "\#(run)-2", "symbol": "ethusdt"}"#),
                ("flatten", #"{"command_id": "\#(run)-3", "confirm": true}"#), ("reset-breaker", #"{"command_id": "\#(run)-4"}"#),
                ("resume", #"{"command_id": "\#(run)-5"}"#),
            ]
            for (name, body) in requests {
                try await client.execute(
                    uri: "/api/commands/\(name)", method: .post, headers: Self.bearer(Self.operatorToken), body: ByteBuffer(string: body)
                ) { response throws in
                    #expect(response.status == .accepted)
                    let reply = try Self.object(response)
                    #expect(reply["issued_by"] as? String == "api:operator" && reply["status"] as? String == "sent")
                    #expect((reply["command_id"] as? String)?.hasPrefix("api-\(run)-") == true)
                }
            }
            let published = try await BusTesting.keyedOperatorCommands(count: 5) { $0.commandID.hasPrefix("api-\(run)-") }
            #expect(published.map(\.command.commandID).sorted() == (1...5).map { "api-\(run)-\($0)" })
            let byID = Dictionary(uniqueKeysWithValues: published.map { ($0.command.commandID, $0) })
            #expect(byID["api-\(run)-1"]?.command.pause != nil && byID["api-\(run)-1"]?.command.reason == "news at 14:00")
            #expect(byID["api-\(run)-2"]?.command.closeSymbol.symbol == "ETHUSDT" && byID["api-\(run)-2"]?.key == "ETHUSDT")
            #expect(byID["api-\(run)-3"]?.command.flattenAll != nil && byID["api-\(run)-3"]?.key == "*")
            #expect(byID["api-\(run)-4"]?.command.resetBreaker.breaker == .all)
            #expect(byID["api-\(run)-5"]?.command.resume != nil && byID["api-\(run)-5"]?.command.reason == "API: resume")
            #expect(published.allSatisfy { $0.command.issuedBy == "api:operator" })
        }
    }

    @Test("malformed, incomplete or oversized commands are refused with the reason, and nothing is sent")
    func badCommandsSendNothing() async throws {
        let run = TestEnvironment.uniqueName("bad")
        try await Self.withAPI { _, _, client in
            let refusals: [(String, String, HTTPResponse.Status, String)] = [
                ("flatten", #"{"command_id": "\#(run)-1"}"#, .badRequest, "send {\"confirm\": true}"),
                ("close", #"{"command_id": "\#(run)-2"}"#, .badRequest, "close needs a symbol"),
                ("pause", #"{"command_id": "\#(run)-3", "force": true}"#, .badRequest, "unknown field \"force\""),
                ("pause", #"{"command_id": "\#(run)-4", "#, .badRequest, "the body must be a JSON object"),
                ("pause", #"{"command_id": "\#(run)-5", "reason": "\#(String(repeating: "x", count: 5000))"}"#, .contentTooLarge, "over 4096 bytes"),
            ]
            for (name, body, status, reason) in refusals {
                try await client.execute(
                    uri: "/api/commands/\(name)", method: .post, headers: Self.bearer(Self.operatorToken), body: ByteBuffer(string: body)
                ) { response throws in
                    #expect(response.status == status, "\(name) \(body.prefix(60))")
                    #expect(try Self.errorMessage(response).contains(reason))
                }
            }
            try await client.execute(uri: "/api/commands/shutdown", method: .post, headers: Self.bearer(Self.operatorToken)) { response throws in
                #expect(response.status == .notFound)
            }
            // A good command after them, on the same partition ("*"): when it has arrived, any
            // refused one that had been sent would have arrived before it.
            try await client.execute(
                uri: "/api/commands/pause", method: .post, headers: Self.bearer(Self.operatorToken),
                body: ByteBuffer(string: #"{"command_id": "\#(run)-marker"}"#)
            ) { #expect($0.status == .accepted) }
            let published = try await BusTesting.operatorCommands(count: 1) { $0.commandID.hasPrefix("api-\(run)-") }
            #expect(published.map(\.commandID) == ["api-\(run)-marker"])
        }
    }

    @Test("what risk did with a command, once it did")
    func commandOutcome() async throws {
        try await Self.withAPI { pool, _, client in
            try await pool.execute(
                """
                INSERT INTO risk_operator_commands (command_id, issued_by, command, symbol, reason, outcome, detail, issued_at, applied_at)
                VALUES ('api-c1', 'api:operator', 'close_symbol', 'BTCUSDT', 'API: close', 'applied', 'closing BTCUSDT', 10, 12)
                """)
            try await client.execute(uri: "/api/commands/api-c1", method: .get, headers: Self.bearer(Self.readToken)) { response throws in
                #expect(response.status == .ok)
                let outcome = try Self.object(response)
                #expect(outcome["outcome"] as? String == "applied" && outcome["symbol"] as? String == "BTCUSDT" && outcome["applied_at"] as? Int == 12)
            }
            try await client.execute(uri: "/api/commands/api-c2", method: .get, headers: Self.bearer(Self.readToken)) { response throws in
                #expect(response.status == .notFound)
                #expect(try Self.errorMessage(response) == "risk has not acted on command api-c2 (yet)")
            }
            let overlong = String(repeating: "c", count: 201)
            try await client.execute(uri: "/api/commands/\(overlong)", method: .get, headers: Self.bearer(Self.readToken)) { response throws in
                #expect(response.status == .badRequest)
                #expect(try Self.errorMessage(response).hasPrefix("command_id must be"))
            }
        }
    }

    /// Three closed trades of one strategy (+10.5, −4 and +6, the last partly closed by an
    /// exit order of another intent) and an open one; a losing trade of a second strategy and a
    /// winning one of a third.
    static func recordTrades(_ pool: PostgresPool) async throws {
        let trades: [(intent: String, strategy: String, phase: String, created: Int64)] = [
            ("t1", "macd_rsi", "closed", 1000), ("t2", "macd_rsi", "closed", 2000), ("t3", "macd_rsi", "closed", 3000),
            ("t4", "macd_rsi", "open", 4000), ("u1", "breakout", "closed", 1500), ("w1", "scalper", "closed", 1700),
        ]
        for trade in trades {
            try await pool.execute(
                """
                INSERT INTO exec_trades (intent_id, symbol, phase, plan, state, fence_token, created_at, updated_at)
                VALUES ($1, $2, $3, '{}', '{}', 1, $4, $4)
                """, [trade.intent, ["breakout": "ETHUSDT", "scalper": "SOLUSDT"][trade.strategy] ?? "BTCUSDT", trade.phase, trade.created])
            try await pool.execute(
                """
                INSERT INTO risk_decisions (intent_id, strategy, symbol, approved, intent, decided_at)
                VALUES ($1, $2, 'BTCUSDT', true, '{}', to_timestamp($3::bigint / 1000.0))
                """, [trade.intent, trade.strategy, trade.created])
        }
        // (order, intent, fill time, realised PnL): t3's last fill belongs to exit intent x3.
        let fills: [(String, String, Int64, String, String)] = [
            ("o1", "t1", 1100, "10.5", "BTCUSDT"), ("o2", "t2", 2100, "-1", "BTCUSDT"), ("o2b", "t2", 2200, "-3", "BTCUSDT"),
            ("o3", "t3", 3100, "8", "BTCUSDT"), ("x3", "x3", 3200, "-2", "BTCUSDT"), ("o4", "t4", 4100, "0", "BTCUSDT"),
            ("p1", "u1", 1600, "-0.25", "ETHUSDT"), ("q1", "w1", 1800, "1.2", "SOLUSDT"),
        ]
        for (order, intent, time, pnl, symbol) in fills {
            try await pool.execute(
                """
                INSERT INTO exec_orders (client_order_id, order_id, intent_id, symbol, side, order_type, role, status, reduce_only,
                                         quantity, created_at, updated_at)
                VALUES ($1, $1, $2, $3, 'sell', 'market', 'exit', 'Filled', true, 1, $4, $4)
                """, [order, intent, symbol, time])
            try await pool.execute(
                """
                INSERT INTO exec_fills (fill_id, client_order_id, venue_order_id, symbol, side, price, quantity, fee, fee_currency,
                                        is_maker, realised_pnl, filled_at)
                VALUES ($1 || '-fill', $1, 'v-' || $1, $2, 'sell', 100, 1, 0.1, 'USDT', false, $3::numeric, $4)
                """, [order, symbol, pnl, time])
        }
    }

    @Test("per strategy: win rate, profit factor and expectancy over closed trades, exit orders counted with their trade")
    func strategyStatistics() async throws {
        try await Self.withAPI { pool, _, client in
            try await Self.recordTrades(pool)
            try await client.execute(uri: "/api/stats", method: .get, headers: Self.bearer(Self.readToken)) { response throws in
                #expect(response.status == .ok)
                let stats = try #require(JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]])
                #expect(stats.map { $0["strategy"] as? String } == ["breakout", "macd_rsi", "scalper"])
                let macd = stats[1]
                #expect(macd["trades"] as? Int == 3 && macd["wins"] as? Int == 2 && macd["losses"] as? Int == 1)
                #expect(macd["win_rate"] as? String == "0.6667" && macd["gross_profit"] as? String == "16.5" && macd["gross_loss"] as? String == "4")
                #expect(macd["profit_factor"] as? String == "4.1250" && macd["expectancy"] as? String == "4.16666667" && macd["net_pnl"] as? String == "12.5")
                #expect(stats[2]["win_rate"] as? String == "1.0000" && stats[2]["profit_factor"] is NSNull, "no loss, no profit factor")
                let breakout = stats[0]
                #expect(breakout["win_rate"] as? String == "0.0000" && breakout["profit_factor"] as? String == "0.0000" && breakout["net_pnl"] as? String == "-0.25")
            }
        }
    }

    @Test("the snapshot holds every part of the dashboard; the stream sends it as a snapshot event")
    func snapshotAndStream() async throws {
        try await Self.withAPI { pool, feed, client in
            try await Self.recordTrades(pool)
            try await pool.execute("INSERT INTO risk_control (account, paused, paused_reason) VALUES ('main', true, 'operator')")
            try await client.execute(uri: "/api/snapshot", method: .get, headers: Self.bearer(Self.readToken)) { response throws in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let snapshot = try Self.object(response)
                #expect(Set(snapshot.keys) == ["control", "positions", "orders", "fills", "decisions", "equity", "stats", "health"])
                #expect((snapshot["control"] as? [[String: Any]])?.first?["paused"] as? Bool == true)
                #expect((snapshot["fills"] as? [Any])?.count == 8 && (snapshot["stats"] as? [Any])?.count == 3)
            }
            let writer = EventCollector(stopAfter: 1)
            await #expect(throws: EventCollector.Enough.self) { try await feed.stream().body.write(writer) }
            let event = try #require(writer.events.first)
            #expect(event.hasPrefix("event: snapshot\ndata: {\"control\":[{"))
            #expect(event.hasSuffix("\n\n"))
            let lines = event.split(separator: "\n").dropFirst()
            #expect(lines.allSatisfy { $0.hasPrefix("data: ") }, "every line of a multi-line snapshot is a data field")
            let data = lines.map { $0.dropFirst(6) }.joined(separator: "\n")
            #expect((try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any])?["positions"] != nil)
        }
    }

    @Test("streams past notifier.api.max_streams are refused with 503 until one ends")
    func streamLimit() async throws {
        try await Self.withAPI(maximumStreams: 1) { _, feed, _ in
            let held = EventCollector(stopAfter: nil)
            let first = Task { try await feed.stream().body.write(held) }
            try await BusTesting.waitUntil("the first stream's event") { !held.events.isEmpty }
            #expect(throws: HTTPError.self) { _ = try feed.stream() }
            held.release()
            _ = await first.result
            let next = EventCollector(stopAfter: 1)
            await #expect(throws: EventCollector.Enough.self) { try await feed.stream().body.write(next) }
        }
    }
}

/// A response body writer that keeps what is written as text and ends the stream (by
/// throwing `Enough`) after `stopAfter` events, or when released.
final class EventCollector: ResponseBodyWriter, Sendable {
    struct Enough: Error {}
    private let state = Mutex<(events: [String], released: Bool)>(([], false))
    let stopAfter: Int?

    init(stopAfter: Int?) { self.stopAfter = stopAfter }

    var events: [String] { state.withLock { $0.events } }
    func release() { state.withLock { $0.released = true } }

    func write(_ buffer: ByteBuffer) async throws {
        let (count, released) = state.withLock { state in
            state.events.append(String(buffer: buffer))
            return (state.events.count, state.released)
        }
        if released || count >= (stopAfter ?? .max) { throw Enough() }
        while stopAfter == nil, !state.withLock({ $0.released }) { try await Task.sleep(for: .milliseconds(20)) }
        if state.withLock({ $0.released }) { throw Enough() }
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
