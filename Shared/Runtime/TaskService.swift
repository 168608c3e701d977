import ServiceLifecycle

/// A long-running piece of a service given as a closure (a stream follower, a polling loop),
/// cancelled when the service shuts down.
public struct TaskService: Service {
    private let body: @Sendable () async throws -> Void

    public init(_ body: @escaping @Sendable () async throws -> Void) {
        self.body = body
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown { try await body() }
    }

    /// Runs `step` every `interval` until shutdown; a failed step is handed to `onFailure` and
    /// the loop goes on.
    public static func every(
        _ interval: Duration, _ step: @escaping @Sendable () async throws -> Void,
        onFailure: @escaping @Sendable (any Error) -> Void
    ) -> TaskService {
        TaskService {
            while !Task.isCancelled {
                do { try await step() } catch is CancellationError { return } catch { onFailure(error) }
                try await Task.sleep(for: interval)
            }
        }
    }
}
