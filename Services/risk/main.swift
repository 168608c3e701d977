import Bus
import Core
import Exchange
import Foundation
import Ledger
import Risk
import RiskDesk
import Runtime
import Schemas

// The risk service: intents in, one decision each (recorded in PostgreSQL with every rule's
// verdict), approved orders or rejections out. Every instance reads all of execution's position,
// equity and fill reports, the marks and candles, and the operator's commands (a group of its
// own); intents are shared out across instances by symbol (one group), and each decision holds
// PostgreSQL's risk advisory lock so portfolio-wide limits see every instance's approvals.
await ServiceRuntime.main(service: "risk") { dependencies, logger in
    let config = dependencies.config
    let venue = BybitVenue(config.exchange)
    let desk = RiskDesk(
        engine: RiskEngine(settings: config.risk), log: RiskDecisionLog(pool: dependencies.postgres), producer: dependencies.producer,
        venue: config.exchange.venue == .simulator ? .simulator : .bybit, marketTimeframe: config.markets.timeframes[0], logger: logger
    ) { symbol in
        try await InstrumentLimits.lookUp(symbol, in: venue.rest)
    }
    // One consumer for everything shared: each consumer takes its own close time on shutdown.
    let shared = try KafkaConsumer(
        config: config.kafka, groupID: "keel-risk-portfolio-\(UUID().uuidString)",
        topics: (RiskDesk.accountTopics + RiskDesk.marketTopics).map(\.rawValue), deadLetters: dependencies.producer, logger: logger)
    let intents = try KafkaConsumer(
        config: config.kafka, groupID: ConsumerGroup.risk.name, topics: ConsumerGroup.risk.topicNames,
        deadLetters: dependencies.producer, logger: logger)
    return [
        ConsumerService(shared) { try await desk.consumeShared($0) },
        ConsumerService(intents) { try await desk.consumeIntent($0) },
    ]
}
