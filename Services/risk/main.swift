import Bus
import Core
import Exchange
import Foundation
import Ledger
import Risk
import RiskDesk
import Runtime
import Schemas

// The risk service: intents in, one decision each (recorded in PostgreSQL), approved orders or
// rejections out. Every instance reads all of execution's position and equity snapshots (a
// group of its own); intents are shared out across instances by symbol (one group).
await ServiceRuntime.main(service: "risk") { dependencies, logger in
    let config = dependencies.config
    let venue = BybitVenue(config.exchange)
    let desk = RiskDesk(
        engine: RiskEngine(), log: RiskDecisionLog(pool: dependencies.postgres), producer: dependencies.producer,
        venue: config.exchange.venue == .simulator ? .simulator : .bybit
    ) { symbol in
        InstrumentLimits(try await venue.rest.requireRules(for: symbol))
    }
    let account = try KafkaConsumer(
        config: config.kafka, groupID: "keel-risk-portfolio-\(UUID().uuidString)",
        topics: [Topic.execPositions.rawValue, Topic.accountEquity.rawValue], deadLetters: dependencies.producer, logger: logger)
    let intents = try KafkaConsumer(
        config: config.kafka, groupID: ConsumerGroup.risk.name, topics: ConsumerGroup.risk.topicNames,
        deadLetters: dependencies.producer, logger: logger)
    return [
        ConsumerService(account) { try await desk.consumeAccount($0) },
        ConsumerService(intents) { try await desk.consumeIntent($0) },
    ]
}
