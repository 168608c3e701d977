/// How the execution service holds symbols, places orders and follows the venue.
public struct ExecutionConfig: Sendable, Equatable {
    /// What a limit entry does when its time is up.
    public enum EntryTimeout: String, Sendable, CaseIterable { case cancel, market }
    /// Where trailing stops run: on the venue, or in Keel moving the stop-loss.
    public enum TrailingVenue: String, Sendable, CaseIterable { case exchange, client }
    /// What to do with an open venue order Keel did not place.
    public enum Orphans: String, Sendable, CaseIterable { case report, adopt, cancel }

    /// How long a symbol's Redis lock lives unless released (a crashed holder frees it then).
    public var lockTTLMs: Int
    /// How long an approval waits for a symbol another instance holds before it is retried.
    public var lockWaitMs: Int
    /// How often the venue is polled over REST, the private stream's fallback.
    public var pollIntervalMs: Int
    /// Limit entries are post-only (never take liquidity).
    public var postOnlyEntries: Bool
    /// How long a limit entry may work before `entryTimeout` applies.
    public var limitEntryTimeoutMs: Int
    public var entryTimeout: EntryTimeout
    public var trailing: TrailingVenue
    /// A position held this long is closed at the market; 0: never.
    public var maxHoldingMinutes: Int
    public var orphans: Orphans
    /// An order with no update for this long is queried on the venue.
    public var stuckOrderMs: Int
    /// The venue circuit breaker opens after this many failed requests in a row (or one 403)...
    public var breakerFailures: Int
    /// ...and probes the venue again after this long.
    public var breakerProbeMs: Int
}

extension ExecutionConfig {
    init(reading reader: ConfigReader) throws {
        lockTTLMs = try reader.int("execution.lock_ttl_ms", default: 30_000, in: 1000...600_000)
        lockWaitMs = try reader.int("execution.lock_wait_ms", default: 5000, in: 0...600_000)
        pollIntervalMs = try reader.int("execution.poll_interval_ms", default: 5000, in: 200...3_600_000)
        postOnlyEntries = try reader.bool("execution.entry.post_only", default: true)
        limitEntryTimeoutMs = try reader.int("execution.entry.limit_timeout_ms", default: 60_000, in: 1000...86_400_000)
        entryTimeout = try reader.choice("execution.entry.on_timeout", default: .cancel)
        trailing = try reader.choice("execution.trailing", default: .exchange)
        maxHoldingMinutes = try reader.int("execution.max_holding_minutes", default: 0, in: 0...525_600)
        orphans = try reader.choice("execution.orphan_orders", default: .report)
        stuckOrderMs = try reader.int("execution.stuck_order_ms", default: 30_000, in: 1000...3_600_000)
        breakerFailures = try reader.int("execution.breaker.failures", default: 5, in: 1...1000)
        breakerProbeMs = try reader.int("execution.breaker.probe_after_ms", default: 30_000, in: 100...3_600_000)
    }
}
