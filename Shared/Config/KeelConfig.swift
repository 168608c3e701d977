import Core

public enum TradingMode: String, CaseIterable, Sendable {
    /// Orders go to the exchange simulator; no keys needed.
    case paper
    /// Orders go to the configured exchange with real money.
    case live
}

public enum LogLevel: String, CaseIterable, Sendable {
    case trace, debug, info, notice, warning, error, critical
}

public enum LogFormat: String, CaseIterable, Sendable {
    /// One `key=value` line per event, for terminals.
    case text
    /// One JSON object per line, for log collectors.
    case json
}

public struct HTTPConfig: Sendable, Equatable {
    public var host: String
    public var port: Int
}

public struct LoggingConfig: Sendable, Equatable {
    public var level: LogLevel
    public var format: LogFormat
}

/// How a service retries its dependencies (PostgreSQL, Redis, Kafka) while they are down.
public struct StartupConfig: Sendable, Equatable {
    public var retryInitialMs: Int
    public var retryMaxMs: Int
}

/// Everything a Keel service is configured with: one YAML file plus `KEEL_*` environment
/// overrides (see `ConfigSource.environmentName`). Defaults fit the local stack.
public struct KeelConfig: Sendable, Equatable {
    public var mode: TradingMode
    public var http: HTTPConfig
    public var logging: LoggingConfig
    public var startup: StartupConfig
    public var runtime: RuntimeConfig
    public var kafka: KafkaConfig
    public var postgres: PostgresConfig
    public var redis: RedisConfig
    public var exchange: ExchangeConfig
    public var markets: MarketsConfig
    public var signals: SignalsConfig
    public var execution: ExecutionConfig
    public var risk: RiskSettings
    public var notifier: NotifierConfig

    /// Every credential in the configuration, for the log redactor: none may reach a log line.
    public var secrets: [Secret] {
        [postgres.password, redis.password, exchange.apiSecret, notifier.telegram?.botToken, notifier.api.readToken, notifier.api.operatorToken]
            .compactMap { $0 }
            + notifier.webhooks.compactMap(\.secret)
    }

    /// Reads the file at `path` (or `KEEL_CONFIG`, or none: defaults and environment only).
    public static func load(path: String?, environment: [String: String]) throws -> KeelConfig {
        let filePath = path ?? environment["KEEL_CONFIG"]
        let source = try filePath.map { try ConfigSource.load(file: $0, environment: environment) }
            ?? ConfigSource(environment: environment)
        return try KeelConfig(reading: ConfigReader(source))
    }

    public init(reading reader: ConfigReader) throws {
        mode = try reader.choice("mode", default: TradingMode.paper)
        http = HTTPConfig(
            host: try reader.string("http.host", default: "127.0.0.1"),
            port: try reader.int("http.port", default: 9100, in: 1...65535))
        logging = LoggingConfig(
            level: try reader.choice("logging.level", default: LogLevel.info),
            format: try reader.choice("logging.format", default: LogFormat.text))
        startup = StartupConfig(
            retryInitialMs: try reader.int("startup.retry_initial_ms", default: 200, in: 1...60_000),
            retryMaxMs: try reader.int("startup.retry_max_ms", default: 5000, in: 1...600_000))
        runtime = try RuntimeConfig(reading: reader)

        kafka = KafkaConfig(
            bootstrapServers: try reader.string("kafka.bootstrap_servers", default: "127.0.0.1:59092"),
            clientID: try reader.string("kafka.client_id", default: "keel"),
            sessionTimeoutMs: try reader.int("kafka.session_timeout_ms", default: 6000, in: 1000...3_600_000),
            heartbeatIntervalMs: try reader.int("kafka.heartbeat_interval_ms", default: 1000, in: 100...3_600_000),
            fetchWaitMaxMs: try reader.int("kafka.fetch_wait_max_ms", default: 100, in: 0...300_000),
            lingerMs: try reader.int("kafka.linger_ms", default: 5, in: 0...900_000),
            streamLingerMs: try reader.int("kafka.stream_linger_ms", default: 20, in: 0...900_000),
            autoCommitIntervalMs: try reader.int("kafka.auto_commit_interval_ms", default: 1000, in: 10...3_600_000),
            defaultPartitions: try reader.int("kafka.partitions", default: 6, in: 1...10_000),
            extraProperties: reader.map("kafka.properties"))
        guard kafka.heartbeatIntervalMs < kafka.sessionTimeoutMs else {
            throw ConfigError(field: "kafka.heartbeat_interval_ms", reason: "must be below kafka.session_timeout_ms")
        }

        postgres = PostgresConfig(
            host: try reader.string("postgres.host", default: "127.0.0.1"),
            port: try reader.int("postgres.port", default: 55432, in: 1...65535),
            database: try reader.string("postgres.database", default: "keel"),
            user: try reader.string("postgres.user", default: "keel"),
            password: try reader.secret("postgres.password"),
            poolSize: try reader.int("postgres.pool_size", default: 4, in: 1...200),
            connectTimeoutSeconds: try reader.int("postgres.connect_timeout_s", default: 5, in: 1...300))

        redis = RedisConfig(
            host: try reader.string("redis.host", default: "127.0.0.1"),
            port: try reader.int("redis.port", default: 56379, in: 1...65535),
            password: try reader.secret("redis.password"),
            database: try reader.int("redis.database", default: 0, in: 0...15),
            connectTimeoutMs: try reader.int("redis.connect_timeout_ms", default: 2000, in: 10...60_000))

        exchange = try ExchangeConfig(reading: reader, mode: mode)
        markets = try MarketsConfig(reading: reader)
        signals = try SignalsConfig(reading: reader, markets: markets)
        execution = try ExecutionConfig(reading: reader)
        risk = try RiskSettings(reading: reader, mode: mode)
        notifier = try NotifierConfig(reading: reader, runtime: runtime)

        try reader.rejectUnknownFields()
    }
}
