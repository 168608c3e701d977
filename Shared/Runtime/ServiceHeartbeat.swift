import Core
import Foundation
import Logging
import ServiceLifecycle
import Store

/// This process as the notifier sees it in `service_instances`.
public struct ServiceInstance: Sendable, Hashable {
    public let service: String
    /// Unique per process: a container's pid is often 1 and a pod's host name comes back after a
    /// restart, so a random part tells processes apart.
    public let id: String
    public let host: String

    public init(service: String, host: String = ServiceInstance.hostName()) {
        self.service = service
        self.host = host
        id = "\(host)-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }

    /// The kernel's host name (the pod name on Kubernetes), without a DNS lookup.
    public static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Records the instance in `service_instances` every `interval` with its readiness (the
/// `/readyz` checks), from when the migrations are applied, and marks it stopped on a graceful
/// shutdown. A failed write is logged once per outage and retried at the next beat: PostgreSQL
/// being away must not stop the service.
final class ServiceHeartbeat: Service, Sendable {
    /// Rows of instances not seen for this long are removed when an instance of the service starts.
    static let retentionMs: Int64 = 7 * 86_400_000

    private let instance: ServiceInstance
    private let pool: PostgresPool
    private let probe: ReadinessProbe
    private let migrations: MigrationService
    private let interval: Duration
    private let clock: any TradingClock
    private let logger: Logger
    private let startedAt: Timestamp

    init(
        instance: ServiceInstance, pool: PostgresPool, probe: ReadinessProbe, migrations: MigrationService, interval: Duration,
        clock: any TradingClock = LiveClock(), logger: Logger
    ) {
        self.instance = instance
        self.pool = pool
        self.probe = probe
        self.migrations = migrations
        self.interval = interval
        self.clock = clock
        self.logger = logger
        startedAt = clock.now()
    }

    func run() async throws {
        try? await cancelWhenGracefulShutdown { [self] in
            var failing = false
            var pruned = false
            while true {
                do {
                    guard migrations.isDone else {
                        try await Task.sleep(for: .milliseconds(100))
                        continue
                    }
                    if !pruned {
                        try await pruneOldInstances()
                        pruned = true
                    }
                    try await beat()
                    if failing { logger.info("heartbeat recorded again") }
                    failing = false
                } catch is CancellationError {
                    return
                } catch {
                    if !failing { logger.warning("could not record the heartbeat; retrying", metadata: ["error": "\(error)"]) }
                    failing = true
                }
                try await Task.sleep(for: interval)
            }
        }
        do {
            try await pool.execute(
                "UPDATE service_instances SET stopped_at = $3, last_seen = $3, ready = false WHERE service = $1 AND instance = $2",
                [instance.service, instance.id, clock.now().milliseconds])
        } catch {
            logger.warning("could not mark the instance stopped; it counts as gone once its heartbeat is old", metadata: ["error": "\(error)"])
        }
    }

    /// Never revives a stopped instance (ids are unique per process): a beat still in flight on
    /// another connection when the shutdown marked the instance stopped must not undo that.
    private func beat() async throws {
        let readiness = await probe.evaluate()
        let detail = try JSONSerialization.data(withJSONObject: readiness.details, options: [.sortedKeys])
        try await pool.execute(
            """
            INSERT INTO service_instances (service, instance, host, started_at, last_seen, ready, detail)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
            ON CONFLICT (service, instance) DO UPDATE
                SET last_seen = excluded.last_seen, ready = excluded.ready, detail = excluded.detail
                WHERE service_instances.stopped_at IS NULL
            """,
            [instance.service, instance.id, instance.host, startedAt.milliseconds, clock.now().milliseconds, readiness.ready,
             String(decoding: detail, as: UTF8.self)])
    }

    private func pruneOldInstances() async throws {
        try await pool.execute(
            "DELETE FROM service_instances WHERE service = $1 AND last_seen < $2",
            [instance.service, clock.now().milliseconds - Self.retentionMs])
    }
}
