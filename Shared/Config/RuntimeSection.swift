/// What every service does beside its own work: the heartbeat that tells the notifier it is
/// alive, and when its exchange WebSocket reconnecting is worth a warning.
public struct RuntimeConfig: Sendable, Equatable {
    /// How often each instance records itself in `service_instances`.
    public var heartbeatIntervalMs: Int
    /// More reconnects than this within `reconnectStormWindowMs` is a reconnect storm.
    public var reconnectStormMaxReconnects: Int
    public var reconnectStormWindowMs: Int
}

extension RuntimeConfig {
    init(reading reader: ConfigReader) throws {
        heartbeatIntervalMs = try reader.int("runtime.heartbeat_interval_ms", default: 5000, in: 500...60_000)
        reconnectStormMaxReconnects = try reader.int("runtime.reconnect_storm.max_reconnects", default: 5, in: 1...1000)
        reconnectStormWindowMs = try reader.int("runtime.reconnect_storm.window_ms", default: 300_000, in: 10_000...86_400_000)
    }
}
