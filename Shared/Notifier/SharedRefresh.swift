import Core

/// A value built on demand and shared: a caller within `maximumAgeMs` of the last build gets
/// that one, and while one is being built later callers wait for it instead of starting
/// another. (The dashboard's snapshot, asked for by every open page; the consumer lag, which
/// opens Kafka clients to measure.)
actor SharedRefresh<Value: Sendable> {
    private var latest: (value: Value, at: Timestamp)?
    private var underWay: (task: Task<Value, any Error>, at: Timestamp)?

    /// The shared value and when its build started (`now` of the caller that started it).
    func value(
        now: Timestamp, maximumAgeMs: Int64, build: @escaping @Sendable () async throws -> Value
    ) async throws -> (value: Value, at: Timestamp) {
        // A clock that went back counts as stale, not as fresh.
        if let latest, now >= latest.at, now.milliseconds - latest.at.milliseconds < maximumAgeMs { return latest }
        if let underWay { return (try await underWay.task.value, underWay.at) }
        let task = Task { try await build() }
        underWay = (task, now)
        defer { underWay = nil }
        let built = (value: try await task.value, at: now)
        latest = built
        return built
    }
}
