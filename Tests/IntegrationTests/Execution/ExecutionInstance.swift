import Bus
import Config
import Core
import Exchange
import Execution
import Foundation
import Locks
import Store

/// One execution instance inside the test process, wired as `Services/execution` wires it: its
/// own Redis connection and locks, PostgreSQL pool and REST client on the simulator's account;
/// optionally the private stream feeding the desk and the polling fallback reconciling every
/// `pollInterval`, which asks the venue about orders without news for `stuckOrderMs`.
final class ExecutionInstance: Sendable {
    let desk: ExecutionDesk
    let pool: PostgresPool
    let client: BybitRESTClient
    private let redis: RedisConnection
    private let tasks: [Task<Void, Never>]

    init(
        simulatorPort port: Int, database: PostgresConfig, producer: KafkaProducer, symbols: [Symbol], lockPrefix: String,
        lockTTL: Duration = .seconds(5), clientTimeout: Duration = .seconds(10), streaming: Bool = false,
        pollInterval: Duration? = nil, stuckOrderMs: Int64 = 30_000
    ) throws {
        pool = PostgresPool(config: database)
        client = ExecutionTesting.client(port: port, timeout: clientTimeout)
        redis = RedisConnection(config: try TestEnvironment.redis(), logger: ExecutionTesting.logger)
        let desk = ExecutionDesk(
            client: client, ledger: ExecutionLedger(pool: pool),
            locks: SymbolLocks(connection: redis, keyPrefix: lockPrefix, logger: ExecutionTesting.logger), producer: producer,
            venue: .simulator,
            settings: .init(
                account: ExecutionTesting.credentials.apiKey, symbols: symbols, lockTTL: lockTTL, lockWait: .seconds(1),
                stuckOrderMs: stuckOrderMs),
            logger: ExecutionTesting.logger)
        self.desk = desk
        var tasks: [Task<Void, Never>] = []
        if streaming {
            let stream = ExecutionTesting.privateStream(port: port, client: client)
            tasks.append(Task { await stream.run() })
            tasks.append(Task { for await message in stream.messages { await desk.apply(message) } })
        }
        if let pollInterval {
            tasks.append(Task {
                while !Task.isCancelled {
                    try? await desk.reconcile()
                    try? await Task.sleep(for: pollInterval)
                }
            })
        }
        self.tasks = tasks
    }

    /// Feeds every message of `topic` to the desk in a consumer group of its own, as the
    /// service's consumer does (a failed message is retried), and counts the handled ones.
    func consume(_ topic: String, producer: KafkaProducer) throws -> (KafkaConsumer, Task<Void, any Error>, Received) {
        let consumer = try KafkaConsumer(
            config: try TestEnvironment.kafka(), groupID: TestEnvironment.uniqueName("exec-desk"), topics: [topic],
            deadLetters: producer, retry: Backoff(initial: .milliseconds(5), maximum: .milliseconds(100)),
            logger: ExecutionTesting.logger)
        let handled = Received()
        let desk = desk
        let task = BusTesting.start(consumer) { message in
            try await desk.consumeApproval(message)
            handled.append(message)
        }
        return (consumer, task, handled)
    }

    func stop() async {
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        await redis.close()
        await pool.close()
    }
}
