/// How the execution service holds symbols and follows the venue.
public struct ExecutionConfig: Sendable, Equatable {
    /// How long a symbol's Redis lock lives unless released (a crashed holder frees it then).
    public var lockTTLMs: Int
    /// How long an approval waits for a symbol another instance holds before it is retried.
    public var lockWaitMs: Int
    /// How often the venue is polled over REST, the private stream's fallback.
    public var pollIntervalMs: Int
}

extension ExecutionConfig {
    init(reading reader: ConfigReader) throws {
        lockTTLMs = try reader.int("execution.lock_ttl_ms", default: 30_000, in: 1000...600_000)
        lockWaitMs = try reader.int("execution.lock_wait_ms", default: 5000, in: 0...600_000)
        pollIntervalMs = try reader.int("execution.poll_interval_ms", default: 5000, in: 200...3_600_000)
    }
}
