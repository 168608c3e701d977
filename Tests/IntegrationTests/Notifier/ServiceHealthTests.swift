import Bus
import Core
import Foundation
import Notifier
import Runtime
import Schemas
import Store
import Testing

/// Service health end to end: a real service executable's heartbeats in PostgreSQL, the health
/// JSON with the broker's consumer lag, the down/up alerts, and the reconnect storm warning of
/// a service whose exchange WebSocket cannot connect.
@Suite("Service health", .serialized)
struct ServiceHealthTests {
    static func alerts(on topic: String, producer: KafkaProducer, until done: @escaping ([Keel_V1_Alert]) -> Bool) async throws -> [Keel_V1_Alert] {
        let consumer = try KafkaConsumer(
            config: try TestEnvironment.kafka(), groupID: TestEnvironment.uniqueName("health-reader"), topics: [topic],
            deadLetters: producer, logger: BusTesting.logger)
        let received = Received()
        let reading = BusTesting.start(consumer) { received.append($0) }
        defer {
            consumer.stop()
            reading.cancel()
        }
        let decoded = { received.all.compactMap { try? Keel_V1_Alert(serializedBytes: $0.value) } }
        try await BusTesting.waitUntil("alerts on \(topic)") { done(decoded()) }
        try await Task.sleep(for: .seconds(2))  // and nothing more that matters
        return decoded()
    }

    static func object(_ json: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test("a service's heartbeats, its health JSON, one down and one up alert across two watchers, and one reconnect storm warning")
    func heartbeatsToAlerts() async throws {
        try await withScratchDatabase("health") { config in
            let pool = PostgresPool(config: config)
            defer { Task { await pool.close() } }
            _ = try await Migrator().migrate(pool)
            let producer = try KafkaProducer(config: try TestEnvironment.kafka(), logger: BusTesting.logger)
            defer { producer.close() }
            let groupTopics = Set(ConsumerGroup.allCases.flatMap(\.topicNames) + [Topic.opsAlerts.rawValue])
            try await TopicAdmin(config: try TestEnvironment.kafka()).create(groupTopics.sorted().map { .init(name: $0, partitions: 3) })
            let watcherTopic = try await BusTesting.makeTopic("health-alerts")

            // execution with every venue URL on a refused port: its private stream reconnects
            // over and over, and nothing reaches anyone's simulator.
            let refused = try ReservedPort()
            var environment = try KeelProcess.infrastructureEnvironment()
            environment["KEEL_POSTGRES_DATABASE"] = config.database
            environment["KEEL_HTTP_PORT"] = String(try KeelProcess.freePort())
            environment["KEEL_RUNTIME_HEARTBEAT_INTERVAL_MS"] = "500"
            environment["KEEL_RUNTIME_RECONNECT_STORM_MAX_RECONNECTS"] = "2"
            environment["KEEL_RUNTIME_RECONNECT_STORM_WINDOW_MS"] = "60000"
            environment["KEEL_EXCHANGE_REST_URL"] = "http://127.0.0.1:\(refused.port)"
            environment["KEEL_EXCHANGE_PUBLIC_WS_URL"] = "ws://127.0.0.1:\(refused.port)/v5/public/linear"
            environment["KEEL_EXCHANGE_PRIVATE_WS_URL"] = "ws://127.0.0.1:\(refused.port)/v5/private"
            let service = try KeelProcess.launch("keel-execution", environment: environment)
            defer { if service.isRunning { kill(service.processIdentifier, SIGKILL) } }

            try await BusTesting.waitUntil("a ready heartbeat", timeout: .seconds(60)) {
                try await pool.execute("SELECT count(*) FROM service_instances WHERE service = 'execution' AND ready").single().int64(0) == 1
            }
            let row = try await pool.execute(
                "SELECT host, started_at, last_seen, detail->>'postgres', stopped_at, instance FROM service_instances WHERE service = 'execution'"
            ).single()
            let instanceID = try row.string(5)
            #expect(try row.string(0) == ServiceInstance.hostName() && instanceID.hasPrefix(ServiceInstance.hostName() + "-"))
            #expect(try row.int64(1) <= row.int64(2) && row.string(3) == "ok" && row.isNull(4))

            // The health JSON, as /api/health will serve it.
            let health = ServiceHealth(pool: pool, kafka: try TestEnvironment.kafka(), downAfterMs: 2000)
            let asked = Timestamp.systemNow()
            let live = try Self.object(try await health.json(now: asked))
            #expect(live["lag_measured_at"] as? Int64 == asked.milliseconds)
            let again = try Self.object(try await health.json(now: asked.adding(milliseconds: 1000)))
            #expect(again["lag_measured_at"] as? Int64 == asked.milliseconds, "a second later the lag is not measured again")
            let later = try Self.object(try await health.json(now: asked.adding(milliseconds: 5000)))
            #expect(later["lag_measured_at"] as? Int64 == asked.milliseconds + 5000, "5 s later it is")
            let services = try #require(live["services"] as? [[String: Any]])
            #expect(services.count == 1)
            let execution = try #require(services.first)
            #expect(execution["service"] as? String == "execution" && execution["alive"] as? Bool == true)
            #expect(execution["ready"] as? Bool == true && execution["live_instances"] as? Int == 1)
            let instance = try #require((execution["instances"] as? [[String: Any]])?.first)
            #expect((instance["checks"] as? [String: String])?["kafka"] == "ok" && instance["stopped_at"] is NSNull)
            let groups = try #require(live["consumer_groups"] as? [[String: Any]])
            #expect(groups.compactMap { $0["group"] as? String } == ConsumerGroup.allCases.map(\.name))
            for group in groups {
                #expect(group["lag"] is Int && group["partitions"] is Int && group["error"] is NSNull, "measured: \(group)")
            }

            // The reconnect storm: one warning, however long the storm goes on.
            let storms = try await Self.alerts(on: Topic.opsAlerts.rawValue, producer: producer) { alerts in
                alerts.contains { $0.labels["instance"] == instanceID }
            }.filter { $0.alertID.hasPrefix("execution:reconnect-storm:private:") && $0.labels["instance"] == instanceID }
            #expect(storms.count == 1)
            #expect(storms.first?.severity == .warning && storms.first?.source == "execution")

            // The watchers (two notifier instances) see it up: nothing to say.
            let clock = ManualClock(Timestamp.systemNow() - .seconds(2))  // started a grace period ago
            let watchers = (0..<2).map { _ in
                ServiceWatcher(pool: pool, producer: producer, downAfterMs: 2000, topic: watcherTopic, clock: clock)
            }
            clock.set(to: .systemNow())
            #expect(try await watchers[0].check().isEmpty)

            kill(service.processIdentifier, SIGTERM)
            #expect(await KeelProcess.exitStatus(of: service) == 0)
            let stopped = try await pool.execute(
                "SELECT stopped_at, last_seen, ready FROM service_instances WHERE service = 'execution'").single()
            let lastSeen = try stopped.int64(1)
            #expect(try stopped.optionalInt64(0) == lastSeen && stopped.bool(2) == false, "marked stopped on SIGTERM")

            clock.set(to: Timestamp(milliseconds: lastSeen + 1000))
            #expect(try await watchers[0].check().isEmpty, "within the grace period: could be a rolling restart")
            clock.set(to: Timestamp(milliseconds: lastSeen + 2000))
            async let first = watchers[0].check()
            async let second = watchers[1].check()
            let downs = try await first + second
            #expect(downs == [.down(service: "execution", since: Timestamp(milliseconds: lastSeen), cleanly: true)], "one of two notifiers")
            #expect(try await watchers[1].check().isEmpty, "announced once")
            let down = try Self.object(try await health.json(now: clock.now()))
            #expect((down["services"] as? [[String: Any]])?.first?["alive"] as? Bool == false)

            // A new instance of execution starts.
            try await pool.execute(
                """
                INSERT INTO service_instances (service, instance, host, started_at, last_seen, ready)
                VALUES ('execution', 'next', 'h', $1, $1, true)
                """, [clock.now().milliseconds + 5000])
            clock.advance(by: .seconds(5))
            #expect(try await watchers[1].check() == [
                .up(service: "execution", downSince: Timestamp(milliseconds: lastSeen), cleanly: true, liveInstances: 1),
            ])
            let announced = try await Self.alerts(on: watcherTopic, producer: producer) { $0.count >= 2 }
            #expect(announced.map(\.alertID) == ["notifier:service-down:execution:\(lastSeen)", "notifier:service-up:execution:\(lastSeen)"])
            #expect(announced.allSatisfy { $0.severity == .warning }, "a clean stop is a warning, and so is its end")
        }
    }

    @Test("the notifier service announces a crashed service down, and back up, through its own alerts consumer to a webhook, once each")
    func notifierAnnouncesThroughWebhook() async throws {
        let receiver = WebhookTests.Receiver()
        let base = try await receiver.start()
        defer { Task { await receiver.stop() } }
        try await withScratchDatabase("notifier_health") { config in
            let pool = PostgresPool(config: config)
            defer { Task { await pool.close() } }
            _ = try await Migrator().migrate(pool)
            try await TopicAdmin(config: try TestEnvironment.kafka()).create(ConsumerGroup.notifier.topicNames.map { .init(name: $0, partitions: 3) })
            let crashedAt = Timestamp.systemNow().milliseconds - 60_000
            try await pool.execute(
                "INSERT INTO service_instances (service, instance, host, started_at, last_seen, ready) VALUES ('risk', 'gone', 'h', $1, $1, true)",
                [crashedAt])

            let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(TestEnvironment.uniqueName("notifier")).yaml")
            try """
                runtime: {heartbeat_interval_ms: 500}
                notifier:
                  health: {down_after_ms: 1000, check_interval_ms: 500}
                  webhooks:
                    ops: {url: "\(base)/ops", format: json, min_severity: warning, trade_notices: false}
                """.write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            var environment = try KeelProcess.infrastructureEnvironment()
            environment["KEEL_POSTGRES_DATABASE"] = config.database
            environment["KEEL_HTTP_PORT"] = String(try KeelProcess.freePort())
            environment["KEEL_NOTIFIER_WEBHOOKS_OPS_SECRET"] = "hook-secret"
            // The API's tokens, as files (what deploy/local does), so none in this process's
            // environment is used.
            for name in ["read", "operator"] {
                let token = FileManager.default.temporaryDirectory.appendingPathComponent(TestEnvironment.uniqueName("api-\(name)-token"))
                try "\(name)-token-\(UInt64.random(in: 0...UInt64.max))".write(to: token, atomically: true, encoding: .utf8)
                environment["KEEL_NOTIFIER_API_\(name.uppercased())_TOKEN_FILE"] = token.path
            }
            let notifier = try KeelProcess.launch("keel-notifier", ["--config", file.path], environment: environment)
            defer { if notifier.isRunning { kill(notifier.processIdentifier, SIGKILL) } }

            let posted = {
                receiver.requests.withLock { $0 }.compactMap { request -> String? in
                    (try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])?["text"] as? String
                }
            }
            try await BusTesting.waitUntil("the down alert at the webhook", timeout: .seconds(60)) {
                posted().contains { $0.contains("Service down: risk") }
            }
            // A new risk instance heartbeats until the notifier has said so.
            let comeback = Task {
                while !Task.isCancelled {
                    try await pool.execute(
                        """
                        INSERT INTO service_instances (service, instance, host, started_at, last_seen, ready) VALUES ('risk', 'new', 'h', $1, $1, true)
                        ON CONFLICT (service, instance) DO UPDATE SET last_seen = excluded.last_seen
                        """, [Timestamp.systemNow().milliseconds])
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            defer { comeback.cancel() }
            try await BusTesting.waitUntil("the up alert at the webhook", timeout: .seconds(30)) {
                posted().contains { $0.contains("Service up: risk") }
            }
            try await Task.sleep(for: .seconds(2))
            let texts = posted().joined(separator: "\n\n")
            #expect(texts.components(separatedBy: "Service down: risk").count == 2, "down once: \(texts)")
            #expect(texts.components(separatedBy: "Service up: risk").count == 2, "up once: \(texts)")
            #expect(texts.contains("No heartbeat from any instance of risk since"))
            #expect(try await pool.execute("SELECT count(*) FROM service_instances WHERE service = 'notifier' AND ready").single().int64(0) == 1,
                    "the notifier records its own heartbeat")

            kill(notifier.processIdentifier, SIGTERM)
            #expect(await KeelProcess.exitStatus(of: notifier) == 0)
            #expect(try await pool.execute("SELECT stopped_at IS NOT NULL FROM service_instances WHERE service = 'notifier'").single().bool(0))
        }
    }

    @Test("the daily summary: one UTC day's figures from what execution recorded, queued once per recipient whatever the instances")
    func dailySummary() async throws {
        try await withScratchDatabase("summary") { config in
            let pool = PostgresPool(config: config)
            defer { Task { await pool.close() } }
            _ = try await Migrator().migrate(pool)
            let day: Int64 = 1_796_428_800_000  // 2026-12-05 00:00 UTC
            let hour: Int64 = 3_600_000
            for (order, intent, role) in [("o1", "i1", "entry"), ("o2", "i1", "exit"), ("o3", "i2", "entry"), ("o4", "i2", "exit"), ("o5", "i3", "entry")] {
                try await pool.execute(
                    """
                    INSERT INTO exec_orders (client_order_id, order_id, intent_id, symbol, side, order_type, role, status, reduce_only,
                                             quantity, created_at, updated_at)
                    VALUES ($1, $1, $2, 'BTCUSDT', 'buy', 'market', $3, 'Filled', false, 1, 0, 0)
                    """, [order, intent, role])
            }
            for (intent, phase, closedAt) in [("i1", "closed", day + 3 * hour), ("i2", "closed", day + 6 * hour), ("i3", "open", day + 23 * hour)] {
                try await pool.execute(
                    """
                    INSERT INTO exec_trades (intent_id, symbol, phase, plan, state, fence_token, created_at, updated_at)
                    VALUES ($1, 'BTCUSDT', $2, '{}', '{}', 1, 0, $3)
                    """, [intent, phase, closedAt])
            }
            // A win (entry the day before), a loss, an entry still open, and a fill of the next day.
            for (fill, order, pnl, fee, at) in [
                ("f1", "o1", "-0.5", "0.5", day - 2 * hour), ("f2", "o2", "100.25", "0.6", day + 3 * hour),
                ("f3", "o3", "-0.3", "0.3", day + 5 * hour), ("f4", "o4", "-20.2", "0.2", day + 6 * hour),
                ("f5", "o5", "-0.1", "0.1", day + 23 * hour), ("f6", "o5", "-0.1", "0.1", day + 24 * hour + 1),
            ] {
                try await pool.execute(
                    """
                    INSERT INTO exec_fills (fill_id, client_order_id, venue_order_id, symbol, side, price, quantity, fee, fee_currency,
                                            is_maker, realised_pnl, filled_at)
                    VALUES ($1, $2, 'v', 'BTCUSDT', 'buy', 1, 1, $4::numeric, 'USDT', false, $3::numeric, $5)
                    """, [fill, order, pnl, fee, at])
            }
            try await pool.execute(
                "INSERT INTO exec_funding (funding_id, symbol, paid, paid_at) VALUES ('a', 'BTCUSDT', 1.5, $1), ('b', 'BTCUSDT', -0.25, $2), ('c', 'BTCUSDT', 3, $3)",
                [day + 8 * hour, day + 16 * hour, day + 24 * hour])
            for (equity, at) in [("12000", day - hour), ("10000", day + hour), ("10100", day + 4 * hour), ("10050", day + 7 * hour),
                                 ("9990", day + 10 * hour), ("10200", day + 12 * hour), ("10150", day + 20 * hour), ("10300", day + 25 * hour)] {
                try await pool.execute(
                    """
                    INSERT INTO account_equity (account, currency, equity, wallet_balance, available_balance, unrealised_pnl, margin_used, recorded_at)
                    VALUES ('a', 'USDT', $1::numeric, 0, 0, 0, 0, $2)
                    """, [equity, at])
            }

            let clock = ManualClock(Timestamp(milliseconds: day + 24 * hour + 300_000))  // 00:05 the next day
            let summaries = DailySummaries(pool: pool, hourUTC: 0, clock: clock)
            let expected = DayFigures(
                day: Timestamp(milliseconds: day), realisedPnL: try Money(parsing: "79.65"), fills: 4, fees: try Money(parsing: "1.2"),
                fundingPaid: try Money(parsing: "1.25"), closedTrades: 2, winningTrades: 1, equity: try Money(parsing: "10300"),
                drawdown: .init(fall: try Money(parsing: "110"), peak: try Money(parsing: "10100")))
            #expect(try await summaries.figures(day: Timestamp(milliseconds: day)) == expected)

            let router = NoticeRouter(outbox: Outbox(pool: pool), targets: [
                NoticeTarget(channel: "telegram", recipient: "4242", minimumSeverity: .critical, tradeNotices: false),
                NoticeTarget(channel: "webhook", recipient: "ops", minimumSeverity: .warning, tradeNotices: true),
            ])
            let queue: @Sendable (String, String) async throws -> Void = { try await router.broadcast(key: $0, text: $1) }
            #expect(try await summaries.queueDue(queue) == Timestamp(milliseconds: day))
            #expect(try await summaries.queueDue(queue) == nil, "this instance handed it out already")
            #expect(try await DailySummaries(pool: pool, hourUTC: 0, clock: clock).queueDue(queue) == Timestamp(milliseconds: day),
                    "another instance (or a restart) hands it out too")
            let queued = try await pool.execute(
                "SELECT channel, recipient, dedupe_key, text FROM notify_outbox ORDER BY channel, recipient").rows
            #expect(try queued.map { "\(try $0.string(0)):\(try $0.string(1)):\(try $0.string(2))" } == [
                "telegram:4242:daily-summary:2026-12-05", "webhook:ops:daily-summary:2026-12-05",
            ], "once per recipient, whatever the alert thresholds")
            let text = try DailySummary.text(expected)
            #expect(try queued.allSatisfy { try $0.string(3) == text })
            #expect(text.contains("win rate 50.0 %") && text.contains("1.09 % below 10100.00 USDT") && text.contains("net after funding: 78.40 USDT"))
        }
    }
}
