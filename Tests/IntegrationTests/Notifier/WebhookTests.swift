import Core
import Foundation
import Hummingbird
import Logging
import Notifier
import Schemas
import Store
import Synchronization
import Testing

/// Webhooks against a local receiver over HTTP, with the outbox in PostgreSQL.
@Suite("Webhooks", .serialized)
struct WebhookTests {
    /// Records what it is posted and answers with the statuses a test queues (then 200).
    final class Receiver: Sendable {
        struct Request: Sendable {
            let path: String
            /// By lowercased name.
            let headers: [String: String]
            let body: [UInt8]
            let status: Int
            let at: ContinuousClock.Instant
        }

        let requests = Mutex<[Request]>([])
        let answers = Mutex<[(status: Int, retryAfter: String?)]>([])
        private let server = LocalHTTPServer()

        func start() async throws -> String {
            let router = Router()
            router.post("/hooks/:name") { [self] request, _ -> Response in
                let body = try await request.body.collect(upTo: 1 << 20)
                var headers: [String: String] = [:]
                for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
                let answer: (status: Int, retryAfter: String?) = answers.withLock { $0.isEmpty ? (200, nil) : $0.removeFirst() }
                requests.withLock {
                    $0.append(Request(path: request.uri.path, headers: headers, body: Array(buffer: body), status: answer.status, at: .now))
                }
                var response = Response(status: .init(code: answer.status))
                if let retryAfter = answer.retryAfter { response.headers[.retryAfter] = retryAfter }
                return response
            }
            return try await server.start(router) + "/hooks"
        }

        func stop() async {
            await server.stop()
        }
    }

    @Test("signed JSON and Discord payloads; a 503 is retried after the backoff, a 429 after Retry-After, each message once")
    func deliveries() async throws {
        let receiver = Receiver()
        let base = try await receiver.start()
        defer { Task { await receiver.stop() } }
        try await withScratchDatabase("webhooks") { config in
            let pool = PostgresPool(config: config)
            defer { Task { await pool.close() } }
            _ = try await Migrator().migrate(pool)
            let secret = Secret("hook-secret")
            let webhooks = Webhooks(
                targets: [
                    .init(webhook: .init(name: "ops", url: base + "/ops", format: .json, secret: secret), minimumSeverity: .warning, tradeNotices: false),
                    .init(webhook: .init(name: "chat", url: base + "/chat", format: .discord, secret: nil), minimumSeverity: .critical, tradeNotices: false),
                ],
                outbox: Outbox(pool: pool), policy: DeliveryPolicy(minimumIntervalMs: 0, initialBackoffMs: 300, maximumBackoffMs: 1000),
                logger: Logger(label: "keel.test.webhooks"))
            receiver.answers.withLock { $0 = [(503, nil), (429, "1")] }
            try await webhooks.notify(Keel_V1_Alert(id: "w-1", severity: .warning, source: "execution", title: "Venue slow", text: "3 timeouts", at: Timestamp(milliseconds: 1)))
            try await webhooks.notify(Keel_V1_Alert(id: "w-2", severity: .critical, source: "risk", title: "Breaker", text: "tripped", at: Timestamp(milliseconds: 2)))
            try await webhooks.notify(Keel_V1_Alert(id: "w-2", severity: .critical, source: "risk", title: "Breaker", text: "tripped", at: Timestamp(milliseconds: 2)))

            let firstRound = ContinuousClock.now
            #expect(try await webhooks.deliver() == 0, "the first answer is 503, the second 429")
            // Delivered as each falls due (polled, so a slow machine only makes it later); the
            // receiver's times below show neither went before its wait.
            var delivered = 0
            try await BusTesting.waitUntil("both webhooks delivered", timeout: .seconds(10)) {
                delivered += try await webhooks.deliver()
                return delivered == 2
            }
            #expect(try await webhooks.deliver() == 0, "nothing twice")
            let attempts = receiver.requests.withLock { $0 }
            for refused in attempts where refused.status != 200 {
                let success = try #require(attempts.first { $0.path == refused.path && $0.status == 200 })
                // Both waits count from just before the refused send, so from the first round at the earliest.
                let waited = success.at - firstRound
                #expect(waited >= (refused.status == 503 ? .milliseconds(300) : .milliseconds(1000)), "\(refused.path) retried after \(waited)")
            }
            #expect(attempts.map(\.status).sorted() == [200, 200, 429, 503])

            let successes = attempts.filter { $0.status == 200 }
            let ops = try #require(successes.first { $0.path == "/hooks/ops" })
            let object = try #require(try JSONSerialization.jsonObject(with: Data(ops.body)) as? [String: Any])
            #expect(object["text"] as? String == "⚠️ Venue slow\n3 timeouts\n\n🛑 Breaker\ntripped")
            let timestamp = try #require(ops.headers["x-keel-timestamp"])
            #expect(ops.headers["x-keel-signature"] == WebhookClient.signature(secret: secret, timestamp: timestamp, body: ops.body))
            let chat = try #require(successes.first { $0.path == "/hooks/chat" })
            #expect(try JSONSerialization.jsonObject(with: Data(chat.body)) as? [String: String] == ["content": "🛑 Breaker\ntripped"])
            #expect(chat.headers["x-keel-signature"] == nil)
        }
    }
}
