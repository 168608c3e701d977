import Bus
import Exchange
import MarketData
import Runtime
import Signals
import Strategy

// The signals service: closed candles in, trade intents out. Candles are shared out across
// instances by symbol (one group); each instance warms its strategies up from PostgreSQL.
await ServiceRuntime.main(service: "signals") { dependencies, logger in
    let config = dependencies.config
    let venue = BybitVenue(config.exchange)
    let desk = SignalDesk(
        store: CandleStore(pool: dependencies.postgres), producer: dependencies.producer,
        timeframe: config.signals.timeframe, warmUpBars: config.signals.warmUpBars
    ) { symbol in
        MACDRSIConfiguration(tickSize: try await venue.rest.requireRules(for: symbol).tickSize)
    }
    let candles = try KafkaConsumer(
        config: config.kafka, groupID: ConsumerGroup.signals.name, topics: ConsumerGroup.signals.topicNames,
        deadLetters: dependencies.producer, logger: logger)
    return [ConsumerService(candles) { try await desk.consumeCandle($0) }]
}
