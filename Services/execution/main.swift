import Bus
import Exchange
import Execution
import Foundation
import Locks
import Runtime
import Schemas

// The execution service: approved orders in (shared out across instances by symbol, one
// group), venue orders out. Before it takes any approval it reconciles its records with the
// venue; then it follows the private stream, and polls the venue as the stream's fallback, the
// circuit breaker's probe and the clock of its trades (timeouts, time exits, trailing).
await ServiceRuntime.main(service: "execution") { dependencies, logger in
    let config = dependencies.config
    let venue = BybitVenue(config.exchange)
    let desk = ExecutionDesk(
        client: venue.rest, ledger: ExecutionLedger(pool: dependencies.postgres),
        locks: SymbolLocks(connection: dependencies.redis, logger: logger), producer: dependencies.producer,
        venue: config.exchange.venue == .simulator ? .simulator : .bybit,
        settings: .init(config.execution, account: config.exchange.apiKey, symbols: config.markets.symbols),
        logger: logger)
    let approvals = try KafkaConsumer(
        config: config.kafka, groupID: ConsumerGroup.execution.name, topics: ConsumerGroup.execution.topicNames,
        deadLetters: dependencies.producer, logger: logger)
    let stream = venue.privateStream(logger: logger, onReconnect: dependencies.reconnectStormAlerts(stream: "private").reconnected)
    return [
        ConsumerService(approvals, prepare: {
            _ = try await venue.rest.synchronizeTime()
            try await desk.reconcile()
            logger.info("reconciled with the venue; taking approved orders")
        }, logger: logger) { try await desk.consumeApproval($0) },
        TaskService {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await stream.run() }
                for await message in stream.messages { await desk.apply(message) }
            }
        },
        TaskService.every(.milliseconds(config.execution.pollIntervalMs)) {
            try await desk.reconcile()
        } onFailure: { error in
            logger.warning("polling the venue failed; retrying at the next interval", metadata: ["error": "\(error)"])
        },
    ]
}
