import Core
import Store

/// Messages for humans, persisted in PostgreSQL (`notify_outbox`) until delivered: nothing is
/// lost across a restart or an outage, a message is queued once per `dedupeKey` (an alert
/// delivered again by Kafka is not sent twice), and each recipient's messages go out in order.
/// At most `capacity` messages wait per recipient; past that the oldest are dropped, counted
/// and recorded as dropped, so an hour-long outage cannot grow it without bound.
public struct Outbox: Sendable {
    public let pool: PostgresPool
    public let capacity: Int

    public init(pool: PostgresPool, capacity: Int = 10_000) {
        self.pool = pool
        self.capacity = capacity
    }

    /// Queues `text` for `recipient` on `channel` ("telegram", "webhook"); false when a message
    /// with `dedupeKey` was queued before.
    @discardableResult
    public func enqueue(channel: String, recipient: String, dedupeKey: String, text: String, at time: Timestamp) async throws -> Bool {
        try await pool.withTransaction { connection in
            let inserted = try await connection.execute(
                """
                INSERT INTO notify_outbox (channel, recipient, dedupe_key, text, created_at, next_attempt_at)
                VALUES ($1, $2, $3, $4, $5, $5)
                ON CONFLICT (channel, recipient, dedupe_key) DO NOTHING
                """, [channel, recipient, dedupeKey, text, time.milliseconds])
            guard inserted.affectedRows == 1 else { return false }
            try await connection.execute(
                """
                UPDATE notify_outbox SET state = 'dropped', last_error = 'outbox full'
                WHERE id IN (SELECT id FROM notify_outbox WHERE channel = $1 AND recipient = $2 AND state = 'pending'
                             ORDER BY id DESC OFFSET $3)
                """, [channel, recipient, Int64(capacity)])
            return true
        }
    }

    /// The recipients of `channel` with a message due at `time`.
    public func dueRecipients(channel: String, at time: Timestamp) async throws -> [String] {
        try await pool.execute(
            """
            SELECT recipient FROM notify_outbox WHERE channel = $1 AND state = 'pending'
            GROUP BY recipient HAVING min(next_attempt_at) <= $2 ORDER BY min(id)
            """, [channel, time.milliseconds]
        ).rows.map { try $0.string(0) }
    }

    /// Delivers the recipient's next batch with `send`, holding the recipient (a PostgreSQL
    /// advisory lock for the transaction) so two notifier instances never send the same
    /// messages; records what came of it. nil when another instance holds the recipient or
    /// nothing is due.
    public func deliverNext(
        channel: String, recipient: String, policy: DeliveryPolicy, at time: Timestamp,
        send: @Sendable (String) async -> DeliveryOutcome
    ) async throws -> DeliveryOutcome? {
        try await pool.withTransaction { connection in
            let held = try await connection.execute(
                "SELECT pg_try_advisory_xact_lock(hashtext($1))", [channel + ":" + recipient]).single().bool(0)
            guard held else { return nil }
            let queue = try await connection.execute(
                """
                SELECT id, text, attempts FROM notify_outbox
                WHERE channel = $1 AND recipient = $2 AND state = 'pending' AND next_attempt_at <= $3
                ORDER BY id LIMIT 50
                """, [channel, recipient, time.milliseconds]
            ).rows.map { OutboxMessage(id: try $0.int64(0), recipient: recipient, text: try $0.string(1), attempts: try $0.int(2)) }
            guard !queue.isEmpty else { return nil }
            let batch = policy.batch(queue)
            let ids = Self.array(batch.ids)
            let outcome = await send(batch.text)
            switch outcome {
            case .delivered:
                try await connection.execute(
                    "UPDATE notify_outbox SET state = 'sent', sent_at = $2 WHERE id = ANY($1::bigint[])", [ids, time.milliseconds])
            case .refused(let error):
                try await connection.execute(
                    "UPDATE notify_outbox SET state = 'refused', last_error = $2 WHERE id = ANY($1::bigint[])", [ids, error])
            case .retryAfter, .failed:
                let wait: Int64 = switch outcome {
                case .retryAfter(let seconds): seconds * 1000
                default: policy.backoffMs(afterAttempts: (queue.first?.attempts ?? 0) + 1)
                }
                let error = if case .failed(let reason) = outcome { reason } else { "asked to wait \(wait / 1000) s" }
                try await connection.execute(
                    "UPDATE notify_outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])", [ids, error])
                // The whole queue waits: messages to one recipient stay in order.
                try await connection.execute(
                    "UPDATE notify_outbox SET next_attempt_at = $3 WHERE channel = $1 AND recipient = $2 AND state = 'pending'",
                    [channel, recipient, time.milliseconds + wait])
            }
            return outcome
        }
    }

    static func array(_ ids: [Int64]) -> String {
        "{" + ids.map(String.init).joined(separator: ",") + "}"
    }
}
