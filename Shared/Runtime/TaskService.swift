import Core
import Logging
import ServiceLifecycle

/// A long-running piece of a service given as a closure (a stream follower, a polling loop),
/// cancelled when the service shuts down.
public struct TaskService: Service {
    private let body: @Sendable () async throws -> Void

    public init(_ body: @escaping @Sendable () async throws -> Void) {
        self.body = body
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await body() }
        } catch is CancellationError {
            // Stopped by the shutdown: a clean end.
        }
    }

    /// Runs `step` every `interval` (the first one `interval` from now) until shutdown; a failed
    /// step is handed to `onFailure` and the loop goes on.
    public static func every(
        _ interval: Duration, _ step: @escaping @Sendable () async throws -> Void,
        onFailure: @escaping @Sendable (any Error) -> Void
    ) -> TaskService {
        TaskService {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                do { try await step() } catch is CancellationError { return } catch { onFailure(error) }
            }
        }
    }

    /// Runs `prepare` until it succeeds (logging each failure and backing off, e.g. while the
    /// venue or PostgreSQL is down), then `body` until shutdown.
    public static func retrying(
        _ what: String, logger: Logger, _ prepare: @escaping @Sendable () async throws -> Void,
        then body: @escaping @Sendable () async -> Void
    ) -> TaskService {
        TaskService {
            let backoff = Backoff(initial: .milliseconds(200), maximum: .seconds(5))
            var failures = 0
            while !Task.isCancelled {
                do {
                    try await prepare()
                    await body()
                    return
                } catch is CancellationError {
                    return
                } catch {
                    failures += 1
                    logger.warning("could not \(what); retrying", metadata: ["attempt": "\(failures)", "error": "\(error)"])
                    try await Task.sleep(for: backoff.delay(afterFailures: failures))
                }
            }
        }
    }
}
