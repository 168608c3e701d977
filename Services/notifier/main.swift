import Bus
import Exchange
import Notifier
import Runtime
import Schemas

// The notifier service: the read-only dashboard API on the service's HTTP port (next to
// /healthz, /readyz and /metrics), alerts as log lines and, when configured, the Telegram bot
// (alerts, entries, exits and rejections through the outbox; operator commands in). Every instance serves the API; the alerts
// are shared out across instances (one group); the outbox is delivered by whichever instance
// holds a chat at the time.
await ServiceRuntime.main(service: "notifier") { dependencies, logger in
    let alerts = AlertLog(logger: logger)
    let bot = dependencies.config.notifier.telegram.map { telegram in
        TelegramBot(
            client: TelegramClient(baseURL: telegram.baseURL, token: telegram.botToken),
            outbox: Outbox(pool: dependencies.postgres), producer: dependencies.producer,
            settings: TelegramBot.Settings(telegram), logger: logger)
    }
    let consumer = try KafkaConsumer(
        config: dependencies.config.kafka, groupID: ConsumerGroup.notifier.name, topics: ConsumerGroup.notifier.topicNames,
        deadLetters: dependencies.producer, logger: logger)
    let alertsIn = ConsumerService(consumer) { message in
        if message.topic == Topic.opsAlerts.rawValue {
            let alert = try alerts.consume(message)
            try await bot?.notify(alert)
        } else {
            try await bot?.notice(message)
        }
    }
    guard let bot, let telegram = dependencies.config.notifier.telegram else { return [alertsIn] }
    return [alertsIn, TaskService.every(.milliseconds(telegram.pollIntervalMs)) {
        try await bot.deliver()
        try await bot.poll()
    } onFailure: { error in
        logger.warning("Telegram round failed; retrying at the next interval", metadata: ["error": "\(error)"])
    }]
} routes: { router, dependencies in
    DashboardAPI.add(to: router, queries: DashboardQueries(pool: dependencies.postgres))
}
