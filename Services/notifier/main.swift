import Bus
import Notifier
import Runtime

// The notifier service: the read-only dashboard API on the service's HTTP port (next to
// /healthz, /readyz and /metrics), and alerts as log lines. Every instance serves the API; the
// alerts are shared out across instances (one group).
await ServiceRuntime.main(service: "notifier") { dependencies, logger in
    let alerts = AlertLog(logger: logger)
    let consumer = try KafkaConsumer(
        config: dependencies.config.kafka, groupID: ConsumerGroup.notifier.name, topics: ConsumerGroup.notifier.topicNames,
        deadLetters: dependencies.producer, logger: logger)
    return [ConsumerService(consumer) { try alerts.consume($0) }]
} routes: { router, dependencies in
    DashboardAPI.add(to: router, queries: DashboardQueries(pool: dependencies.postgres))
}
