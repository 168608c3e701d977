import Foundation
import Synchronization

/// A dependency the service needs before it can do its job (Kafka, PostgreSQL, Redis, or
/// its own start-up work). `check` throws while it is not usable.
public struct DependencyCheck: Sendable {
    public var name: String
    public var check: @Sendable () async throws -> Void

    public init(name: String, check: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.check = check
    }
}

/// Runs every dependency check concurrently, each bounded by a timeout, for `/readyz`.
public struct ReadinessProbe: Sendable {
    public struct Result: Sendable {
        public var ready: Bool
        /// Per dependency: "ok" or why not.
        public var details: [String: String]
    }

    public var checks: [DependencyCheck]
    public var timeout: Duration

    public init(checks: [DependencyCheck], timeout: Duration = .seconds(2)) {
        self.checks = checks
        self.timeout = timeout
    }

    public func evaluate() async -> Result {
        let timeout = self.timeout
        let outcomes = await withTaskGroup(of: (String, String?).self) { group in
            for dependency in checks {
                group.addTask {
                    (dependency.name, await Self.failure(of: dependency.check, within: timeout))
                }
            }
            var outcomes: [String: String?] = [:]
            for await (name, failure) in group { outcomes[name] = failure }
            return outcomes
        }
        let details = outcomes.mapValues { $0 ?? "ok" }
        return Result(ready: outcomes.values.allSatisfy { $0 == nil }, details: details)
    }

    /// nil when the check passed in time, else the reason. A check stuck in a blocking call
    /// is abandoned (left to finish on its own), so a hung dependency cannot hang the probe.
    private static func failure(of check: @escaping @Sendable () async throws -> Void, within timeout: Duration) async -> String? {
        await withCheckedContinuation { continuation in
            let once = OnceResume(continuation)
            let work = Task {
                do {
                    try await check()
                    once.resume(nil)
                } catch {
                    once.resume("\(error)")
                }
            }
            Task {
                try? await Task.sleep(for: timeout)
                once.resume("no answer within \(timeout)")
                work.cancel()
            }
        }
    }
}

/// Resumes a continuation with the first value offered and ignores the rest.
private final class OnceResume: Sendable {
    private let continuation: Mutex<CheckedContinuation<String?, Never>?>

    init(_ continuation: CheckedContinuation<String?, Never>) {
        self.continuation = Mutex(continuation)
    }

    func resume(_ value: String?) {
        let pending = continuation.withLock { stored in
            defer { stored = nil }
            return stored
        }
        pending?.resume(returning: value)
    }
}
