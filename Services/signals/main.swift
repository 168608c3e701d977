import Bus
import Exchange
import MarketData
import Runtime
import Schemas
import Signals

// The signals service: closed candles in, trade intents out. Candles are shared out across
// instances by symbol (one group); each instance warms its strategies up from PostgreSQL.
await ServiceRuntime.main(service: "signals") { dependencies, logger in
    let config = dependencies.config
    let venue = BybitVenue(config.exchange)
    for strategy in config.signals.strategies {
        logger.info(
            "strategy",
            metadata: [
                "strategy": "\(strategy.name)", "preset": "\(strategy.preset ?? "none")",
                "symbols": "\(strategy.symbols.map(\.rawValue))", "timeframes": "\(strategy.timeframes.map(\.label))",
            ])
    }
    let desk = SignalDesk(
        store: CandleStore(pool: dependencies.postgres), producer: dependencies.producer, config: config.signals
    ) { symbol in
        try await venue.rest.requireRules(for: symbol).tickSize
    }
    let candles = try KafkaConsumer(
        config: config.kafka, groupID: ConsumerGroup.signals.name, topics: ConsumerGroup.signals.topicNames,
        deadLetters: dependencies.producer, logger: logger)
    return [ConsumerService(candles) { try await desk.consumeCandle($0) }]
}
