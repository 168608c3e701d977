import Bus
import Config
import Locks
import Logging
import Store
import Synchronization

/// The shared infrastructure of a service: Kafka producer, PostgreSQL pool and Redis. Nothing
/// here connects at construction, so a service starts (and reports not-ready) while a
/// dependency is down, and connects once it is back.
public final class ServiceDependencies: Sendable {
    public let config: KeelConfig
    public let producer: KafkaProducer
    public let postgres: PostgresPool
    public let redis: RedisConnection
    /// This process in `service_instances` and in its alerts.
    public let instance: ServiceInstance
    private let kafka: KafkaConfig
    private let logger: Logger
    /// Producers made by `streamProducer()`, closed with the rest.
    private let extraProducers = Mutex<[KafkaProducer]>([])

    public init(config: KeelConfig, serviceName: String, logger: Logger) throws {
        self.config = config
        instance = ServiceInstance(service: serviceName)
        var kafka = config.kafka
        kafka.clientID = "\(config.kafka.clientID)-\(serviceName)"
        self.kafka = kafka
        self.logger = logger
        producer = try KafkaProducer(config: kafka, logger: logger)
        postgres = PostgresPool(config: config.postgres, applicationName: "keel-\(serviceName)", logger: logger)
        redis = RedisConnection(config: config.redis, logger: logger)
    }

    /// The checks behind `/readyz`.
    public func readinessChecks() -> [DependencyCheck] {
        [
            DependencyCheck(name: "kafka") { [producer] in try await producer.checkBroker() },
            DependencyCheck(name: "postgres") { [postgres] in try await postgres.ping() },
            DependencyCheck(name: "redis") { [redis] in _ = try await redis.send("PING") },
        ]
    }

    /// A second producer for high-rate streams (market data), batching for
    /// `kafka.stream_linger_ms` so that its records do not cost the broker one request each,
    /// while `producer` keeps `kafka.linger_ms` for records that decide (candles, orders).
    public func streamProducer() throws -> KafkaProducer {
        var streams = kafka
        streams.lingerMs = config.kafka.streamLingerMs
        let made = try KafkaProducer(config: streams, logger: logger)
        extraProducers.withLock { $0.append(made) }
        return made
    }

    /// Warns on `ops.alerts.v1` when the exchange WebSocket `stream` ("public", "private")
    /// reconnects too often; pass its `reconnected` as the stream's `onReconnect`.
    public func reconnectStormAlerts(stream: String) -> ReconnectStormAlerts {
        ReconnectStormAlerts(
            instance: instance, stream: stream,
            policy: ReconnectStormPolicy(
                maxReconnects: config.runtime.reconnectStormMaxReconnects, windowMs: Int64(config.runtime.reconnectStormWindowMs)),
            producer: producer, logger: logger)
    }

    public func close() async {
        for extra in extraProducers.withLock({ $0 }) { extra.close() }
        producer.close()
        await postgres.close()
        await redis.close()
    }
}
