import Bus
import Config
import Locks
import Logging
import Store

/// The shared infrastructure of a service: Kafka producer, PostgreSQL pool and Redis. Nothing
/// here connects at construction, so a service starts (and reports not-ready) while a
/// dependency is down, and connects once it is back.
public final class ServiceDependencies: Sendable {
    public let config: KeelConfig
    public let producer: KafkaProducer
    public let postgres: PostgresPool
    public let redis: RedisConnection

    public init(config: KeelConfig, serviceName: String, logger: Logger) throws {
        self.config = config
        var kafka = config.kafka
        kafka.clientID = "\(config.kafka.clientID)-\(serviceName)"
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

    public func close() async {
        producer.close()
        await postgres.close()
        await redis.close()
    }
}
