/// Runs `operation`, failing with `PostgresError.timeout` if it has not finished after
/// `timeout`; the operation is then cancelled (connection jobs resume their caller at once
/// when cancelled, so this returns promptly even if the server never answers).
func withDeadline<Value: Sendable>(
    _ timeout: Duration,
    _ what: String,
    _ operation: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    try await withThrowingTaskGroup(of: Value?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw PostgresError(kind: .timeout, message: "\(what) did not finish within \(timeout)")
        }
        return value
    }
}
