import Bus
import Core
import Logging
import Schemas
import Store

/// Announces services going down and coming back on `ops.alerts.v1` (and so, through the
/// notifier's own consumer, on Telegram and the webhooks). What was announced is kept in
/// `service_watch`; one notifier instance at a time looks (a transaction-scoped advisory lock),
/// and the alert ids follow from the outage, so a change is announced once. A watcher judges
/// only from one grace period after it started, so when a whole stack starts together the
/// services it starts with are not announced down before their first heartbeat.
public struct ServiceWatcher: Sendable {
    public let pool: PostgresPool
    public let producer: KafkaProducer
    public let downAfterMs: Int64
    let topic: String
    let clock: any TradingClock
    let startedAt: Timestamp

    public init(
        pool: PostgresPool, producer: KafkaProducer, downAfterMs: Int64, topic: String = Topic.opsAlerts.rawValue,
        clock: any TradingClock = LiveClock()
    ) {
        self.pool = pool
        self.producer = producer
        self.downAfterMs = downAfterMs
        self.topic = topic
        self.clock = clock
        startedAt = clock.now()
    }

    /// Looks once; returns the changes announced (none when another instance is looking, or
    /// within the first grace period).
    @discardableResult
    public func check() async throws -> [ServiceChange] {
        let now = clock.now()
        guard now.milliseconds - startedAt.milliseconds >= downAfterMs else { return [] }
        return try await pool.withTransaction { connection in
            guard try await connection.execute("SELECT pg_try_advisory_xact_lock(hashtext('keel:service-watch'))").single().bool(0)
            else { return [] }
            var known: [String: ServiceState] = [:]
            for row in try await connection.execute("SELECT service, down_since, down_cleanly FROM service_watch").rows {
                known[try row.string(0)] = if let since = try row.optionalInt64(1) {
                    ServiceState.down(since: Timestamp(milliseconds: since), cleanly: try row.bool(2))
                } else {
                    ServiceState.up
                }
            }
            let sightings = try await connection.execute(
                """
                SELECT service, count(*) FILTER (WHERE stopped_at IS NULL AND last_seen >= $1), max(last_seen),
                       (array_agg(stopped_at IS NOT NULL ORDER BY last_seen DESC))[1]
                FROM service_instances GROUP BY service ORDER BY service
                """, [now.milliseconds - downAfterMs]
            ).rows.map { row in
                ServiceSighting(
                    service: try row.string(0), liveInstances: try row.int(1), lastSeen: Timestamp(milliseconds: try row.int64(2)),
                    lastStoppedCleanly: try row.bool(3))
            }
            let changes = ServiceWatch.changes(known: known, sightings: sightings, now: now, downAfterMs: downAfterMs)
            for change in changes {
                let alert = ServiceWatch.alert(for: change, at: now)
                // Published before the state commits: if the commit fails, the next look sends it
                // again under the same id, which the outbox drops.
                _ = try await producer.send(OutgoingMessage(topic: topic, key: Array(change.service.utf8), value: try alert.serializedBytes()))
                let (downSince, cleanly): (Int64?, Bool) = switch change.state {
                case .up: (nil, false)
                case .down(let since, let cleanly): (since.milliseconds, cleanly)
                }
                try await connection.execute(
                    """
                    INSERT INTO service_watch (service, down_since, down_cleanly, changed_at) VALUES ($1, $2, $3, $4)
                    ON CONFLICT (service) DO UPDATE
                        SET down_since = excluded.down_since, down_cleanly = excluded.down_cleanly, changed_at = excluded.changed_at
                    """, [change.service, downSince, cleanly, now.milliseconds])
            }
            return changes
        }
    }
}
