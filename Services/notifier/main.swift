import Bus
import Exchange
import Notifier
import Runtime
import Schemas

// The notifier service: the dashboard and its API (NotifierAPI: token-protected reads, live
// stream, operator commands, OpenAPI document) on the service's HTTP port (next to /healthz,
// /readyz and /metrics), alerts as log lines and, when configured, the Telegram bot
// (alerts, entries, exits and rejections through the outbox; operator commands in) and the
// webhooks (the same notices, signed JSON or Discord/Slack payloads); the trading figures as
// Prometheus gauges; services going down and up (from their heartbeats) as alerts; a summary of
// each UTC day. Every instance serves the API; the alerts
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
    let config = dependencies.config.notifier
    let webhooks = config.webhooks.isEmpty ? nil : Webhooks(
        targets: config.webhooks.map(Webhooks.Target.init), outbox: Outbox(pool: dependencies.postgres), logger: logger)
    let consumer = try KafkaConsumer(
        config: dependencies.config.kafka, groupID: ConsumerGroup.notifier.name, topics: ConsumerGroup.notifier.topicNames,
        deadLetters: dependencies.producer, logger: logger)
    let alertsIn = ConsumerService(consumer) { message in
        if message.topic == Topic.opsAlerts.rawValue {
            let alert = try alerts.consume(message)
            try await bot?.notify(alert)
            try await webhooks?.notify(alert)
        } else {
            try await bot?.notice(message)
            try await webhooks?.notice(message)
        }
    }
    let outside = TaskService.every(.milliseconds(config.telegram?.pollIntervalMs ?? 1000)) {
        try await bot?.deliver()
        try await bot?.poll()
        try await webhooks?.deliver()
    } onFailure: { error in
        logger.warning("a Telegram or webhook round failed; retrying at the next interval", metadata: ["error": "\(error)"])
    }
    let gauges = TradingGauges(pool: dependencies.postgres)
    let figures = TaskService.every(.seconds(15)) {
        try await gauges.refresh()
    } onFailure: { error in
        logger.warning("reading the trading figures failed; retrying at the next interval", metadata: ["error": "\(error)"])
    }
    let watcher = ServiceWatcher(pool: dependencies.postgres, producer: dependencies.producer, downAfterMs: Int64(config.health.downAfterMs))
    let health = TaskService.every(.milliseconds(config.health.checkIntervalMs)) {
        try await watcher.check()
    } onFailure: { error in
        logger.warning("checking the services' heartbeats failed; retrying at the next interval", metadata: ["error": "\(error)"])
    }
    let summaries = DailySummaries(pool: dependencies.postgres, hourUTC: config.dailySummary.hourUTC)
    let summary = TaskService.every(.seconds(60)) {
        try await summaries.queueDue { key, text in
            try await bot?.broadcast(key: key, text: text)
            try await webhooks?.broadcast(key: key, text: text)
        }
    } onFailure: { error in
        logger.warning("the daily summary could not be queued; retrying in a minute", metadata: ["error": "\(error)"])
    }
    if bot == nil && webhooks == nil { return [alertsIn, figures, health] }
    return config.dailySummary.enabled ? [alertsIn, figures, health, outside, summary] : [alertsIn, figures, health, outside]
} routes: { router, dependencies in
    let config = dependencies.config.notifier
    let api = config.api
    let tokens = try api.requiredTokens()
    let queries = DashboardQueries(pool: dependencies.postgres)
    let health = ServiceHealth(
        pool: dependencies.postgres, kafka: dependencies.config.kafka, downAfterMs: Int64(config.health.downAfterMs))
    let feed = DashboardFeed(
        queries: queries, interval: .milliseconds(api.streamIntervalMs), maximumStreams: api.maximumStreams,
        health: { try await health.json(now: .systemNow()) })
    NotifierAPI(
        queries: queries, feed: feed,
        commands: OperatorCommandSender(producer: dependencies.producer), readToken: tokens.read,
        operatorToken: tokens.command
    ).add(to: router)
}
