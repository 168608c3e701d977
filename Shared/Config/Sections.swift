import Core

/// Kafka client settings. Every librdkafka setting that changes behaviour or latency is here;
/// `extraProperties` passes anything else straight through to librdkafka.
public struct KafkaConfig: Sendable, Equatable {
    public var bootstrapServers: String
    public var clientID: String
    /// Consumer-group session timeout; short values make group joins fast on the local broker.
    public var sessionTimeoutMs: Int
    public var heartbeatIntervalMs: Int
    /// How long the broker may hold a fetch waiting for data (Tansu always holds it this long).
    public var fetchWaitMaxMs: Int
    /// Producer batching delay.
    public var lingerMs: Int
    /// Batching delay for high-rate streams (market data trades, book, tickers).
    public var streamLingerMs: Int
    /// How often stored (processed) offsets are committed in the background.
    public var autoCommitIntervalMs: Int
    /// Partitions given to topics that Keel creates.
    public var defaultPartitions: Int
    public var extraProperties: [String: String]

    public init(
        bootstrapServers: String,
        clientID: String = "keel",
        sessionTimeoutMs: Int = 6000,
        heartbeatIntervalMs: Int = 1000,
        fetchWaitMaxMs: Int = 100,
        lingerMs: Int = 5,
        streamLingerMs: Int = 20,
        autoCommitIntervalMs: Int = 1000,
        defaultPartitions: Int = 6,
        extraProperties: [String: String] = [:]
    ) {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        self.sessionTimeoutMs = sessionTimeoutMs
        self.heartbeatIntervalMs = heartbeatIntervalMs
        self.fetchWaitMaxMs = fetchWaitMaxMs
        self.lingerMs = lingerMs
        self.streamLingerMs = streamLingerMs
        self.autoCommitIntervalMs = autoCommitIntervalMs
        self.defaultPartitions = defaultPartitions
        self.extraProperties = extraProperties
    }
}

public struct PostgresConfig: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var database: String
    public var user: String
    public var password: Secret?
    public var poolSize: Int
    public var connectTimeoutSeconds: Int

    public init(
        host: String = "127.0.0.1",
        port: Int = 55432,
        database: String = "keel",
        user: String = "keel",
        password: Secret? = nil,
        poolSize: Int = 4,
        connectTimeoutSeconds: Int = 5
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.user = user
        self.password = password
        self.poolSize = poolSize
        self.connectTimeoutSeconds = connectTimeoutSeconds
    }
}

public struct RedisConfig: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var password: Secret?
    public var database: Int
    public var connectTimeoutMs: Int

    public init(
        host: String = "127.0.0.1",
        port: Int = 56379,
        password: Secret? = nil,
        database: Int = 0,
        connectTimeoutMs: Int = 2000
    ) {
        self.host = host
        self.port = port
        self.password = password
        self.database = database
        self.connectTimeoutMs = connectTimeoutMs
    }
}
