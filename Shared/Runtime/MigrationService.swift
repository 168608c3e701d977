import Config
import Core
import Logging
import ServiceLifecycle
import Store
import Synchronization

/// Applies the database migrations at start-up, retrying with backoff while PostgreSQL is
/// unreachable, and reports readiness only once they are applied.
final class MigrationService: Service, Sendable {
    private let pool: PostgresPool
    private let startup: StartupConfig
    private let logger: Logger
    private let done = Mutex(false)

    init(pool: PostgresPool, startup: StartupConfig, logger: Logger) {
        self.pool = pool
        self.startup = startup
        self.logger = logger
    }

    /// Whether the migrations are applied (the tables exist).
    var isDone: Bool { done.withLock { $0 } }

    var readinessCheck: DependencyCheck {
        DependencyCheck(name: "migrations") { [self] in
            guard isDone else { throw NotYet() }
        }
    }

    struct NotYet: Error, CustomStringConvertible {
        var description: String { "not applied yet" }
    }

    func run() async throws {
        let backoff = Backoff(initial: .milliseconds(startup.retryInitialMs), maximum: .milliseconds(startup.retryMaxMs))
        var failures = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let applied = try await Migrator(logger: logger).migrate(pool)
                logger.info("database ready", metadata: ["migrations_applied": "\(applied)"])
                done.withLock { $0 = true }
                break
            } catch {
                failures += 1
                let delay = backoff.delay(afterFailures: failures)
                logger.warning("database not reachable; retrying", metadata: [
                    "error": "\(error)", "attempt": "\(failures)", "retry_in": "\(delay)",
                ])
                try? await Task.sleep(for: delay)
            }
        }
        // Stay up until shutdown: a finished service would end the group.
        try? await gracefulShutdown()
    }
}
