import Bus
import Config
import Core
import Exchange
import ExchangeSimulator
import Execution
import Foundation
import LocalStack
import Locks
import Schemas
import Store
import Testing

/// Execution under failure, against the real broker, PostgreSQL, Redis and the exchange
/// simulator over HTTP and WebSocket: the service killed with SIGKILL again and again, two
/// instances contesting every order, a stale fencing token, a create whose reply times out
/// after it executed, a fill the private stream never delivers, and an exit larger than the
/// position. Afterwards the venue holds each approval's order once and the ledger agrees with
/// it: orders, fills, positions. Tests with random choices print their seed; KEEL_TEST_SEED
/// replays it.
@Suite("Execution robustness", .serialized)
struct ExecutionRobustnessTests {
    @Test("kill -9 of the execution service at random points of 200 orders: no order twice, every fill once, positions as at the venue")
    func killedServiceNeverDuplicates() async throws {
        let seed = testSeed()
        print("ExecutionRobustnessTests.killedServiceNeverDuplicates seed \(seed) (KEEL_TEST_SEED=\(seed) replays it)")
        var random = SplitMix64(seed: seed)
        let markets = Array(ExecutionTesting.markets.prefix(3))
        let symbols = markets.map(\.symbol)
        let orders = try ExecutionTesting.script(count: 200, markets: markets, tag: "kill-\(seed)", using: &random)
        let links = Set(try orders.map { try VenueOrder.orderLinkID(intentID: $0.intentID) })

        let simulator = ExecutionTesting.simulator()
        let port = try await simulator.start()
        defer { Task { await simulator.stop() } }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(TestEnvironment.uniqueName("keel-exec-kill"))
        var redis = try TestEnvironment.redis()
        redis.database = 10
        // Short leases: a killed instance's lock lapses in two seconds, not thirty.
        let stack = try await LocalStack.start(LocalStack.Setup(
            binDirectory: KeelProcess.binDirectory, brokerBinary: try TestEnvironment.value("KEEL_TEST_TANSU"),
            postgres: try TestEnvironment.postgres(), redis: redis, simulatorPort: port,
            extraConfig: """
                markets: {symbols: [\(symbols.map(\.rawValue).joined(separator: ", "))]}
                execution: {lock_ttl_ms: 2000, lock_wait_ms: 500, poll_interval_ms: 500}
                """,
            directory: directory, services: ["execution"]))
        let pool = PostgresPool(config: stack.config.postgres)
        let producer = try KafkaProducer(config: stack.config.kafka, logger: ExecutionTesting.logger)
        let client = ExecutionTesting.client(port: port)
        do {
            // Risk's approvals arrive over a few seconds while execution is killed and restarted.
            let gaps = orders.map { _ in Duration.milliseconds(Int64.random(in: 5...40, using: &random)) }
            let publishing = Task {
                for (order, gap) in zip(orders, gaps) {
                    _ = try await producer.send(try ExecutionTesting.message(order))
                    try await Task.sleep(for: gap)
                }
            }
            // Each kill lands while orders are being placed: once a random number of them is
            // recorded, every other one after a further random moment, the others while the venue
            // holds the reply of a create it has executed, before the service learns of the order.
            let kills = (1...6).map { _ in Int.random(in: 10...(orders.count - 10), using: &random) }.sorted()
            let symbolOfLink = Dictionary(uniqueKeysWithValues: try orders.map {
                (try VenueOrder.orderLinkID(intentID: $0.intentID), $0.symbol)
            })
            for (number, recordedBeforeKill) in kills.enumerated() {
                try await BusTesting.waitUntil("\(recordedBeforeKill) orders recorded", timeout: .seconds(90)) {
                    try await ExecutionTesting.ledgerOrders(pool).count >= recordedBeforeKill
                }
                if number.isMultiple(of: 2) {
                    try await Task.sleep(for: .milliseconds(Int64.random(in: 0...300, using: &random)))
                } else {
                    simulator.faults.holdNextCreate(for: .seconds(5))
                    try await BusTesting.waitUntil("a create executed and its reply held", timeout: .seconds(30)) {
                        for order in try await ExecutionTesting.ledgerOrders(pool) where order.status == ExecutionLedger.submitting {
                            if try await client.order(symbol: symbolOfLink[order.clientOrderID]!, orderLinkID: order.clientOrderID) != nil {
                                return true
                            }
                        }
                        return false
                    }
                }
                await stack.kill("execution")
                let recorded = try await ExecutionTesting.ledgerOrders(pool)
                let submitting = recorded.filter { $0.status == ExecutionLedger.submitting }.count
                print("kill \(number + 1)/\(kills.count): \(recorded.count) orders recorded, \(submitting) still submitting")
                try stack.launch("execution")
            }
            try await publishing.value
            try await stack.waitUntilReady("execution")

            try await BusTesting.waitUntil("every approval placed and filled", timeout: .seconds(120)) {
                let recorded = try await ExecutionTesting.ledgerOrders(pool)
                return recorded.count == orders.count && recorded.allSatisfy { $0.status == OrderStatus.filled.rawValue }
            }
            // The service's polling catches up with the last fills and positions.
            try? await BusTesting.waitUntil("the ledger to agree with the venue", timeout: .seconds(30)) {
                try await ExecutionTesting.compare(client: client, pool: pool, symbols: symbols, expectedLinks: links).agrees
            }
            let agreement = try await ExecutionTesting.compare(client: client, pool: pool, symbols: symbols, expectedLinks: links)
            #expect(agreement.agrees, "\(agreement) (seed \(seed))")
            // Nothing placed twice: each symbol holds exactly what the approvals add up to.
            #expect(try await ExecutionTesting.venuePositions(client, symbols: symbols) == ExecutionTesting.expectedPositions(orders))
            #expect(stack.isRunning("execution"), "the last instance still runs: \(stack.log(of: "execution"))")
        } catch {
            Issue.record("\(error) (seed \(seed)); the service's log ends:\n\(stack.log(of: "execution"))")
        }
        producer.close()
        await pool.close()
        await stack.stop()
    }

    @Test("two instances given the same 1,000 approvals at once place each order once, and venue and ledger agree")
    func contestedOrdersArePlacedOnce() async throws {
        let seed = testSeed()
        print("ExecutionRobustnessTests.contestedOrdersArePlacedOnce seed \(seed) (KEEL_TEST_SEED=\(seed) replays it)")
        var random = SplitMix64(seed: seed)
        let symbols = ExecutionTesting.markets.map(\.symbol)
        // 201 approvals per symbol: each ends with an entry still open.
        let orders = try ExecutionTesting.script(count: 201 * symbols.count, tag: "contest-\(seed)", using: &random)
        let links = Set(try orders.map { try VenueOrder.orderLinkID(intentID: $0.intentID) })
        try await ExecutionTesting.createExecutionTopics()
        let topic = try await BusTesting.makeTopic("exec-contested")
        let producer = try KafkaProducer(config: try TestEnvironment.kafka(), logger: ExecutionTesting.logger)
        defer { producer.close() }
        for order in orders { _ = try await producer.send(try ExecutionTesting.message(order, topic: topic)) }

        let simulator = ExecutionTesting.simulator()
        let port = try await simulator.start()
        defer { Task { await simulator.stop() } }
        try await withScratchDatabase("exec_contest") { database in
            let migrations = PostgresPool(config: database)
            _ = try await Migrator().migrate(migrations)
            await migrations.close()
            let lockPrefix = TestEnvironment.uniqueName("keel-contest")
            // Leases of a second, and a few times a create whose reply the venue holds past the
            // lease (1.5 s) or past the client's timeout (4 s): the other instance takes the symbol
            // over while the first still waits, and sends the same order again.
            let instances = try (0..<2).map { _ in
                try ExecutionInstance(
                    simulatorPort: port, database: database, producer: producer, symbols: symbols, lockPrefix: lockPrefix,
                    lockTTL: .seconds(1), clientTimeout: .seconds(3), stuckOrderMs: 0)
            }
            let holds = Task {
                var random = SplitMix64(seed: seed &+ 1)
                for _ in 0..<6 {
                    try await Task.sleep(for: .milliseconds(Int64.random(in: 1500...3500, using: &random)))
                    simulator.faults.holdNextCreate(for: Bool.random(using: &random) ? .milliseconds(1500) : .seconds(4))
                }
            }
            defer { holds.cancel() }
            let feeds = try instances.map { try $0.consume(topic, producer: producer) }
            var contested = false
            try await BusTesting.waitUntil("both instances through every approval", timeout: .seconds(240)) {
                let handled = feeds.map(\.2.count)
                if handled.allSatisfy({ (orders.count / 4...orders.count * 3 / 4).contains($0) }) { contested = true }
                return handled.allSatisfy { $0 >= orders.count }
            }
            #expect(contested, "both instances were halfway through the approvals at the same time")
            holds.cancel()
            for (consumer, _, _) in feeds { consumer.stop() }
            for (_, task, _) in feeds { try await task.value }
            // No private stream here: the polling fallback records the orders' outcomes and fills.
            try await instances[0].desk.reconcile()

            let agreement = try await ExecutionTesting.compare(
                client: instances[0].client, pool: instances[0].pool, symbols: symbols, expectedLinks: links)
            #expect(agreement.agrees, "\(agreement) (seed \(seed))")
            let positions = try await ExecutionTesting.venuePositions(instances[0].client, symbols: symbols)
            #expect(positions == (try ExecutionTesting.expectedPositions(orders)), "no position doubled (seed \(seed))")
            #expect(positions.values.allSatisfy { !$0.isZero }, "every symbol ends with an open entry")
            let recorded = try await ExecutionTesting.ledgerOrders(instances[0].pool)
            #expect(recorded.count == orders.count && recorded.allSatisfy { $0.status == OrderStatus.filled.rawValue })
            for instance in instances { await instance.stop() }
        }
    }

    @Test("a superseded lock holder's stale fencing token is refused and writes nothing")
    func staleFenceIsRefused() async throws {
        let symbol = try Symbol("ETHUSDT")
        let market = try #require(ExecutionTesting.markets.first { $0.symbol == symbol })
        try await withScratchDatabase("exec_fence") { database in
            let pool = PostgresPool(config: database)
            defer { Task { await pool.close() } }
            _ = try await Migrator().migrate(pool)
            let ledger = ExecutionLedger(pool: pool)
            let prefix = TestEnvironment.uniqueName("keel-fence")
            let first = RedisConnection(config: try TestEnvironment.redis(), logger: ExecutionTesting.logger)
            let second = RedisConnection(config: try TestEnvironment.redis(), logger: ExecutionTesting.logger)
            let oldLocks = SymbolLocks(connection: first, keyPrefix: prefix, logger: ExecutionTesting.logger)
            let newLocks = SymbolLocks(connection: second, keyPrefix: prefix, logger: ExecutionTesting.logger)
            func order(_ id: String) throws -> VenueOrder {
                try VenueOrder(try ApprovedOrder(
                    intentID: id, symbol: symbol, side: .buy, kind: .entry, quantity: market.quantity, referencePrice: market.price,
                    leverage: FixedPoint(integer: 5), stopLoss: market.longStop, takeProfits: [], reduceOnly: false))
            }
            let now = Timestamp.systemNow()

            // The old holder's lease lapses (it stalled) and a new holder takes the symbol and claims an order.
            let old = try #require(try await oldLocks.acquire(symbol: symbol.rawValue, ttl: .milliseconds(200)))
            #expect(try await ledger.claim(try order("fence-a"), role: "entry", intentID: "fence-a", fence: old.fencingToken, at: now) == .new)
            let new = try #require(try await newLocks.acquire(symbol: symbol.rawValue, ttl: .seconds(30), waitUpTo: .seconds(5)))
            #expect(new.fencingToken > old.fencingToken)
            #expect(try await ledger.claim(try order("fence-b"), role: "entry", intentID: "fence-b", fence: new.fencingToken, at: now) == .new)

            // The old holder wakes up: neither a new order nor the one it had claimed can be written with its token.
            await #expect(throws: ExecutionLedger.StaleFence.self) {
                try await ledger.claim(try order("fence-c"), role: "entry", intentID: "fence-c", fence: old.fencingToken, at: now)
            }
            await #expect(throws: ExecutionLedger.StaleFence.self) {
                try await ledger.claim(try order("fence-a"), role: "entry", intentID: "fence-a", fence: old.fencingToken, at: now)
            }
            let rows = try await pool.execute("SELECT intent_id, fence_token FROM exec_orders ORDER BY intent_id").rows
                .map { "\(try $0.string(0))@\(try $0.int64(1))" }
            #expect(rows == ["fence-a@\(old.fencingToken)", "fence-b@\(new.fencingToken)"], "nothing written with the stale token")
            let fence = try await pool.execute("SELECT token FROM exec_fences WHERE symbol = $1", [symbol.rawValue]).single().int64(0)
            #expect(fence == new.fencingToken)
            // Its release leaves the new holder's lock alone.
            #expect(try await oldLocks.release(old) == false)
            #expect(try await newLocks.release(new))
            await first.close()
            await second.close()
        }
    }

    @Test("a create that executes but whose reply times out is placed once and recorded")
    func timedOutCreateIsPlacedOnce() async throws {
        let market = ExecutionTesting.markets[0]
        try await withExecution("exec_timeout", clientTimeout: .milliseconds(500), streaming: true) { simulator, instance in
            var random = SplitMix64(seed: 7)
            let order = try #require(try ExecutionTesting.script(count: 1, markets: [market], tag: TestEnvironment.uniqueName("timeout"), using: &random).first)
            let link = try VenueOrder.orderLinkID(intentID: order.intentID)
            simulator.faults.holdNextCreate(for: .seconds(2))
            let started = ContinuousClock.now
            try await instance.desk.place(order)
            #expect(ContinuousClock.now - started >= .milliseconds(500), "the create's reply was held past the client's timeout")
            // Redelivered (the consumer had not committed it), the approval places nothing more.
            try await instance.desk.place(order)
            try await BusTesting.waitUntil("the order's fill recorded") {
                try await ExecutionTesting.ledgerOrders(instance.pool).map(\.status) == [OrderStatus.filled.rawValue]
            }

            let placed = try await ExecutionTesting.venueOrders(instance.client, symbols: [market.symbol])
            #expect(placed.map(\.orderLinkID) == [link], "exactly one order at the venue")
            let recorded = try await ExecutionTesting.ledgerOrders(instance.pool)
            #expect(recorded.map(\.venueOrderID) == placed.map(\.orderID))
            #expect(recorded.map(\.status) == [OrderStatus.filled.rawValue])
            // The position arrives on its own push, after the order's: give it a moment.
            var agreement = try await ExecutionTesting.compare(
                client: instance.client, pool: instance.pool, symbols: [market.symbol], expectedLinks: [link])
            for _ in 0..<50 where !agreement.agrees {
                try await Task.sleep(for: .milliseconds(100))
                agreement = try await ExecutionTesting.compare(
                    client: instance.client, pool: instance.pool, symbols: [market.symbol], expectedLinks: [link])
            }
            #expect(agreement.agrees, "\(agreement)")
        }
    }

    @Test("a fill while the private stream is muted and dropped is recorded once, through polling")
    func fillMissedByTheStreamIsRecordedOnce() async throws {
        let market = ExecutionTesting.markets[1]
        try await withExecution("exec_mute", streaming: true, pollInterval: .milliseconds(200)) { simulator, instance in
            var random = SplitMix64(seed: 11)
            let orders = try ExecutionTesting.script(count: 2, markets: [market], tag: TestEnvironment.uniqueName("mute"), using: &random)
            let links = Set(try orders.map { try VenueOrder.orderLinkID(intentID: $0.intentID) })
            // The entry fills while the stream drops every push, and then loses its connection.
            simulator.faults.mutePrivateStream(for: .seconds(5))
            try await instance.desk.place(orders[0])
            simulator.dropWebSocketConnections()
            let entryFills = try await instance.client.executions(symbol: market.symbol)
            #expect(!entryFills.isEmpty)
            try await BusTesting.waitUntil("the entry's fills recorded by polling while the stream is muted", timeout: .seconds(4)) {
                Set(try await ExecutionTesting.ledgerFills(instance.pool).map(\.fillID)) == Set(entryFills.map(\.id))
            }
            // Unmuted, the exit's fills may come both ways: still recorded once each.
            simulator.faults.clear()
            try await instance.desk.place(orders[1])
            try await BusTesting.waitUntil("the ledger to agree with the venue") {
                try await ExecutionTesting.compare(
                    client: instance.client, pool: instance.pool, symbols: [market.symbol], expectedLinks: links).agrees
            }
            let fills = try await ExecutionTesting.ledgerFills(instance.pool)
            #expect(fills.count == Set(fills.map(\.fillID)).count)
            #expect(fills.count == (try await ExecutionTesting.venueFills(instance.client, symbols: [market.symbol])).count)
        }
    }

    @Test("an exit larger than what is left of the position fills the rest, and polling goes on recording every symbol")
    func oversizedExitKeepsPollingAlive() async throws {
        let (btc, eth) = (ExecutionTesting.markets[0], ExecutionTesting.markets[1])
        try await withExecution("exec_oversized", streaming: true, pollInterval: .milliseconds(200)) { simulator, instance in
            var random = SplitMix64(seed: 13)
            let tag = TestEnvironment.uniqueName("oversized")
            let entry = try #require(try ExecutionTesting.script(count: 1, markets: [btc], tag: tag, using: &random).first)
            // Sized for more than is open (part of the position closed elsewhere, e.g. an exchange-side
            // target): the venue fills what is there and cancels the rest of the reduce-only order.
            let exit = try ApprovedOrder(
                intentID: "\(tag)-exit", symbol: btc.symbol, side: entry.side, kind: .exit,
                quantity: Quantity(try entry.quantity.value + btc.quantity.value), referencePrice: btc.price,
                leverage: FixedPoint(integer: 1), stopLoss: nil, takeProfits: [], reduceOnly: true)
            let other = try #require(try ExecutionTesting.script(count: 1, markets: [eth], tag: tag, using: &random).first)
            let links = Set(try [entry, exit, other].map { try VenueOrder.orderLinkID(intentID: $0.intentID) })
            try await instance.desk.place(entry)
            try await instance.desk.place(exit)
            // Another symbol's fill reaches the ledger only through polling.
            simulator.faults.mutePrivateStream(for: .seconds(30))
            try await instance.desk.place(other)
            try await BusTesting.waitUntil("the ledger to agree with the venue", timeout: .seconds(10)) {
                try await ExecutionTesting.compare(
                    client: instance.client, pool: instance.pool, symbols: [btc.symbol, eth.symbol], expectedLinks: links).agrees
            }
            let exitLink = try VenueOrder.orderLinkID(intentID: exit.intentID)
            let recorded = try #require(try await ExecutionLedger(pool: instance.pool).order(clientOrderID: exitLink))
            #expect(recorded.status == OrderStatus.cancelled.rawValue && recorded.filledQuantity == entry.quantity)
        }
    }

    /// Runs `body` with a fresh simulator and one execution instance on a scratch database.
    private func withExecution(
        _ prefix: String, clientTimeout: Duration = .seconds(10), streaming: Bool = false, pollInterval: Duration? = nil,
        _ body: (BybitSimulator, ExecutionInstance) async throws -> Void
    ) async throws {
        try await ExecutionTesting.createExecutionTopics()
        let producer = try KafkaProducer(config: try TestEnvironment.kafka(), logger: ExecutionTesting.logger)
        defer { producer.close() }
        let simulator = ExecutionTesting.simulator()
        let port = try await simulator.start()
        defer { Task { await simulator.stop() } }
        try await withScratchDatabase(prefix) { database in
            let migrations = PostgresPool(config: database)
            _ = try await Migrator().migrate(migrations)
            await migrations.close()
            let instance = try ExecutionInstance(
                simulatorPort: port, database: database, producer: producer, symbols: ExecutionTesting.markets.map(\.symbol),
                lockPrefix: TestEnvironment.uniqueName("keel-exec"), clientTimeout: clientTimeout, streaming: streaming,
                pollInterval: pollInterval)
            do {
                try await body(simulator, instance)
            } catch {
                await instance.stop()
                throw error
            }
            await instance.stop()
        }
    }
}
