import Bus
import Config
import Core
import Foundation
import Schemas
import Store

/// Service health for `/api/health` and the dashboard: every service's instances from their
/// heartbeats (`service_instances`) and every consumer group's lag, as one JSON object built by
/// PostgreSQL. Times are milliseconds since the epoch. The lag is measured at most every
/// `lagMaxAgeMs` and shared by callers meanwhile (a live dashboard asks every second; each
/// measurement opens Kafka clients).
///
///     {
///       "generated_at": 1765000000000,
///       "down_after_ms": 30000,
///       "lag_measured_at": 1765000000000,      // when consumer_groups was measured
///       "services": [                          // by name
///         {"service": "risk",
///          "alive": true,                       // an instance is alive
///          "ready": true,                       // an alive instance passed its readiness checks
///          "live_instances": 2,
///          "last_seen": 1765000000000,          // newest heartbeat of any instance
///          "instances": [                       // newest first: alive ones, those seen in the last
///                                               // hour, and always the newest one
///            {"instance": "pod-a-1-3f2a9c", "host": "pod-a",
///             "started_at": ms, "last_seen": ms, "stopped_at": ms or null,
///             "alive": true,                    // not stopped, heartbeat within down_after_ms
///             "ready": true,                    // alive, and its last readiness checks passed
///             "checks": {"kafka": "ok", "postgres": "ok", "redis": "ok", "migrations": "ok"}}]}],
///       "consumer_groups": [                   // ConsumerGroup order
///         {"group": "keel-risk", "topics": ["signals.intents.v1"],
///          "partitions": 6, "lag": 0,           // records not yet handled; both null when unknown
///          "error": null}]                      // why the lag is unknown, else null
///     }
public struct ServiceHealth: Sendable {
    public let pool: PostgresPool
    public let kafka: KafkaConfig
    public let groups: [ConsumerGroup]
    /// An instance whose last heartbeat is older than this is not alive (`notifier.health.down_after_ms`).
    public let downAfterMs: Int64
    /// How long each group's lag may take to measure.
    public let lagTimeoutMs: Int32
    /// How old a lag measurement may be before it is taken again.
    public let lagMaxAgeMs: Int64
    /// One lag measurement shared by every caller for `lagMaxAgeMs`.
    private let lags = SharedRefresh<[GroupLag]>()

    static let recentMs: Int64 = 3_600_000

    public init(
        pool: PostgresPool, kafka: KafkaConfig, groups: [ConsumerGroup] = ConsumerGroup.allCases, downAfterMs: Int64 = 30_000,
        lagTimeoutMs: Int32 = 2000, lagMaxAgeMs: Int64 = 5000
    ) {
        self.pool = pool
        self.kafka = kafka
        self.groups = groups
        self.downAfterMs = downAfterMs
        self.lagTimeoutMs = lagTimeoutMs
        self.lagMaxAgeMs = lagMaxAgeMs
    }

    public func json(now: Timestamp) async throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let measured = try await lags.value(now: now, maximumAgeMs: lagMaxAgeMs) { [self] in await measureLags() }
        let groups = try encoder.encode(measured.value)
        return try await pool.execute(
            """
            WITH instances AS (
                SELECT *, stopped_at IS NULL AND last_seen >= $1 AS alive,
                       row_number() OVER (PARTITION BY service ORDER BY last_seen DESC, instance) AS recency
                FROM service_instances
            ), services AS (
                SELECT service, bool_or(alive) AS alive, bool_or(alive AND ready) AS ready,
                       count(*) FILTER (WHERE alive) AS live_instances, max(last_seen) AS last_seen,
                       json_agg(json_build_object(
                           'instance', instance, 'host', host, 'started_at', started_at, 'last_seen', last_seen,
                           'stopped_at', stopped_at, 'alive', alive, 'ready', alive AND ready, 'checks', detail)
                           ORDER BY last_seen DESC, instance) FILTER (WHERE alive OR recency = 1 OR last_seen >= $2) AS instances
                FROM instances GROUP BY service
            )
            SELECT json_build_object(
                'generated_at', $3::bigint, 'down_after_ms', $4::bigint, 'lag_measured_at', $6::bigint,
                'services', coalesce((
                    SELECT json_agg(json_build_object(
                        'service', service, 'alive', alive, 'ready', ready, 'live_instances', live_instances,
                        'last_seen', last_seen, 'instances', instances) ORDER BY service)
                    FROM services), '[]'),
                'consumer_groups', $5::json)::text
            """,
            [now.milliseconds - downAfterMs, now.milliseconds - Self.recentMs, now.milliseconds, downAfterMs,
             String(decoding: groups, as: UTF8.self), measured.at.milliseconds]
        ).single().string(0)
    }

    /// Each group's lag, measured side by side (without joining the group), in `groups` order.
    private func measureLags() async -> [GroupLag] {
        let (kafka, timeout) = (self.kafka, lagTimeoutMs)
        let measured = await withTaskGroup(of: (Int, GroupLag).self) { tasks in
            for (index, group) in groups.enumerated() {
                tasks.addTask {
                    do {
                        let partitions = try await ConsumerLag.measure(
                            config: kafka, group: group.name, topics: group.topicNames, timeoutMs: timeout)
                        return (index, GroupLag(
                            group: group.name, topics: group.topicNames, partitions: partitions.count,
                            lag: partitions.reduce(0) { $0 + $1.lag }, error: nil))
                    } catch {
                        return (index, GroupLag(group: group.name, topics: group.topicNames, partitions: nil, lag: nil, error: "\(error)"))
                    }
                }
            }
            var results: [Int: GroupLag] = [:]
            for await (index, lag) in tasks { results[index] = lag }
            return results
        }
        return groups.indices.compactMap { measured[$0] }
    }

    struct GroupLag: Encodable, Sendable {
        let group: String
        let topics: [String]
        let partitions: Int?
        let lag: Int64?
        let error: String?

        enum CodingKeys: String, CodingKey { case group, topics, partitions, lag, error }

        /// Every field, null included: the shape does not change with the outcome.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(group, forKey: .group)
            try container.encode(topics, forKey: .topics)
            try container.encode(partitions, forKey: .partitions)
            try container.encode(lag, forKey: .lag)
            try container.encode(error, forKey: .error)
        }
    }
}
