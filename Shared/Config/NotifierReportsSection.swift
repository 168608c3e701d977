/// How the notifier judges service health from the heartbeats in `service_instances`.
public struct ServiceWatchConfig: Sendable, Equatable {
    /// An instance whose last heartbeat is older than this is not alive; a service with no
    /// alive instance for this long is reported down.
    public var downAfterMs: Int
    /// How often the notifier looks.
    public var checkIntervalMs: Int
}

/// The summary of each UTC day sent to every Telegram alert chat and webhook.
public struct DailySummaryConfig: Sendable, Equatable {
    public var enabled: Bool
    /// The hour (UTC) after which the previous day's summary goes out.
    public var hourUTC: Int
}

extension ServiceWatchConfig {
    init(reading reader: ConfigReader, heartbeatIntervalMs: Int) throws {
        downAfterMs = try reader.int("notifier.health.down_after_ms", default: 30_000, in: 1000...3_600_000)
        checkIntervalMs = try reader.int("notifier.health.check_interval_ms", default: 5000, in: 500...300_000)
        // One late heartbeat must not make a service look down.
        guard downAfterMs >= 2 * heartbeatIntervalMs else {
            throw ConfigError(
                field: "notifier.health.down_after_ms",
                reason: "must be at least twice runtime.heartbeat_interval_ms (\(heartbeatIntervalMs)), got \(downAfterMs)")
        }
    }
}

extension DailySummaryConfig {
    init(reading reader: ConfigReader) throws {
        enabled = try reader.bool("notifier.daily_summary.enabled", default: true)
        hourUTC = try reader.int("notifier.daily_summary.hour_utc", default: 0, in: 0...23)
    }
}
