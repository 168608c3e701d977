import Bus
import Config
import Core
import Foundation
import Ledger
import Risk
import RiskDesk
import Schemas
import Store
import Testing

/// The risk service's desk against the real broker and PostgreSQL: intents in through a topic,
/// decisions out and recorded with every verdict; the drawdown breaker stops entries, survives
/// a restart, and an operator's reset (through a topic) resumes them; operator commands from
/// unknown issuers are refused and dead-lettered; two desks on one database share the
/// portfolio-wide limits.
@Suite("Risk service", .serialized)
struct RiskServiceTests {
    let btc = try! Symbol("BTCUSDT")
    let eth = try! Symbol("ETHUSDT")
    let limits = InstrumentLimits(
        qtyStep: try! Quantity(parsing: "0.001"), minOrderQty: try! Quantity(parsing: "0.001"),
        minNotional: try! Money(parsing: "5"), maxLeverage: FixedPoint(integer: 100))

    /// An entry whose candle closes now (so it is fresh), distinct per `index`.
    func entry(_ symbol: Symbol, _ index: Int64, strategy: String, price: String = "60000", stop: String = "59000") throws -> Intent {
        let now = Timestamp.systemNow().milliseconds
        let candle = Timestamp(milliseconds: now - 900_000 + index)
        return try Intent(
            id: Intent.deriveID(strategy: strategy, symbol: symbol, timeframe: .m15, candleTime: candle, kind: .entry, side: .buy),
            strategy: strategy, symbol: symbol, side: .buy, kind: .entry, referencePrice: try Price(parsing: price),
            stopLoss: try Price(parsing: stop), takeProfits: [.whole(at: try Price(parsing: "70000"))], timeframe: .m15,
            candleTime: candle, createdAt: Timestamp(milliseconds: now))
    }

    func desk(_ pool: PostgresPool, _ producer: KafkaProducer, settings: RiskSettings = RiskSettings()) -> RiskDesk {
        let limits = self.limits
        return RiskDesk(
            engine: RiskEngine(settings: settings), log: RiskDecisionLog(pool: pool), producer: producer, venue: .simulator,
            logger: BusTesting.logger, limits: { symbol in symbol.rawValue == "NOPEUSDT" ? nil : limits })
    }

    func command(_ id: String, by issuer: String, _ body: (inout Keel_V1_OperatorCommand) -> Void) throws -> [UInt8] {
        var command = Keel_V1_OperatorCommand()
        command.commandID = id
        command.issuedBy = issuer
        command.issuedMs = Timestamp.systemNow().milliseconds
        body(&command)
        return try command.serializedBytes()
    }

    @Test func intentsInDecisionsOutBreakerStopsEntriesAndAResetResumesThem() async throws {
        try await withScratchDatabase("risk_service") { config in
            let pool = PostgresPool(config: config)
            defer { Task { await pool.close() } }
            _ = try await Migrator().migrate(pool)
            try await TopicAdmin(config: try TestEnvironment.kafka()).create([
                .init(name: Topic.riskOrders.rawValue, partitions: 3), .init(name: Topic.riskRejections.rawValue, partitions: 3),
                .init(name: Topic.opsAlerts.rawValue, partitions: 3),
            ])
            let intentsTopic = try await BusTesting.makeTopic("risk-it-intents")
            let commandsTopic = try await BusTesting.makeTopic("risk-it-commands")
            let producer = try KafkaProducer(config: try TestEnvironment.kafka(), logger: BusTesting.logger)
            defer { producer.close() }
            let desk = desk(pool, producer)
            await desk.apply(equity: try Money(parsing: "10000"), at: Timestamp(milliseconds: 1))

            let intents = try KafkaConsumer(
                config: try TestEnvironment.kafka(), groupID: TestEnvironment.uniqueName("risk-it"), topics: [intentsTopic],
                deadLetters: producer, logger: BusTesting.logger)
            let commands = try KafkaConsumer(
                config: try TestEnvironment.kafka(), groupID: TestEnvironment.uniqueName("risk-it-ops"), topics: [commandsTopic],
                deadLetters: producer, logger: BusTesting.logger)
            let deciding = BusTesting.start(intents) { try await desk.consumeIntent($0) }
            let commanding = BusTesting.start(commands) { try await desk.consumeCommand($0) }
            let strategy = TestEnvironment.uniqueName("svc")
            let out = Received()
            let reader = try KafkaConsumer(
                config: try TestEnvironment.kafka(), groupID: TestEnvironment.uniqueName("risk-it-reader"),
                topics: [Topic.riskOrders.rawValue, Topic.riskRejections.rawValue, Topic.opsAlerts.rawValue, DeadLetters.topic(for: commandsTopic)],
                deadLetters: producer, logger: BusTesting.logger)
            let reading = BusTesting.start(reader) { out.append($0) }
            func send(_ intent: Intent) async throws {
                _ = try await producer.send(OutgoingMessage(
                    topic: intentsTopic, key: intent.symbol.rawValue, value: try Keel_V1_Intent(intent).serializedBytes()))
            }
            func decisions() -> [(id: String, approved: Bool, reasons: [Keel_V1_RejectReason], message: String)] {
                out.all.compactMap { message in
                    if message.topic == Topic.riskOrders.rawValue, let order = try? Keel_V1_ApprovedOrder(serializedBytes: message.value),
                       order.strategy == strategy {
                        return (order.intentID, true, [], "")
                    }
                    if message.topic == Topic.riskRejections.rawValue, let rejection = try? Keel_V1_Rejection(serializedBytes: message.value),
                       rejection.strategy == strategy {
                        return (rejection.intentID, false, rejection.reasons, rejection.message)
                    }
                    return nil
                }
            }
            let log = RiskDecisionLog(pool: pool)

            // 1. An entry is approved and recorded with every verdict; a second on the symbol is refused.
            let first = try entry(btc, 0, strategy: strategy)
            let second = try entry(btc, 1, strategy: strategy)
            try await send(first)
            try await send(second)
            try await BusTesting.waitUntil("two decisions") { decisions().count >= 2 }
            #expect(decisions().first { $0.id == first.id }?.approved == true)
            #expect(decisions().first { $0.id == second.id }?.reasons == [.positionExists])
            // The approved order carries the size, leverage, stop and the ladder with its quantity.
            let order = try #require(out.all.compactMap { try? Keel_V1_ApprovedOrder(serializedBytes: $0.value) }.first { $0.intentID == first.id })
            let decimal = { (value: Keel_V1_Decimal) in try? FixedPoint(units: value.units, scale: UInt8(value.scale)) }
            let tenth = try FixedPoint(parsing: "0.1")
            let stop = try FixedPoint(parsing: "59000")
            let ladder = order.takeProfits.map { decimal($0.qty) }
            #expect(decimal(order.qty) == tenth && decimal(order.leverage) == FixedPoint(integer: 5))
            #expect(decimal(order.stopLoss) == stop && ladder == [tenth])
            #expect(!order.rulesVersion.isEmpty)
            let record = try #require(try await log.record(intentID: first.id))
            #expect(record.approved && record.verdictsJSON.contains("\"max_total_notional\"") && record.inputsJSON.contains("\"10000"))
            let recorded = try #require(try await log.decision(intentID: second.id))
            #expect(recorded.decision.rejection == .positionExists && recorded.verdicts.contains { $0.rule == .onePositionPerSymbol && $0.outcome == .reject })

            // 2. A malformed intent that names itself is rejected, recorded, never approved.
            var broken = Keel_V1_Intent(try entry(eth, 2, strategy: strategy))
            broken.referencePrice = Keel_V1_Decimal(try FixedPoint(parsing: "-5"))
            _ = try await producer.send(OutgoingMessage(topic: intentsTopic, key: "ETHUSDT", value: try broken.serializedBytes()))
            try await BusTesting.waitUntil("the malformed intent's rejection") { decisions().contains { $0.id == broken.intentID } }
            #expect(decisions().first { $0.id == broken.intentID }?.reasons == [.invalidIntent])
            #expect(try await log.record(intentID: broken.intentID)?.reason == "invalid_intent")

            // 3. Equity falls 20 % from its 10,000 peak: the next entry trips the breaker.
            await desk.apply(equity: try Money(parsing: "8000"), at: Timestamp(milliseconds: 2))
            let tripping = try entry(eth, 3, strategy: strategy, price: "3000", stop: "2900")
            try await send(tripping)
            try await BusTesting.waitUntil("the tripping entry's rejection") { decisions().contains { $0.id == tripping.id } }
            // The day's loss (20 %) is past its limit too: both reasons, the breaker first.
            #expect(decisions().first { $0.id == tripping.id }?.reasons == [.drawdownBreaker, .dailyLossBreaker])
            #expect(try await RiskControlStore(pool: pool).load().breakerTripped)
            try await BusTesting.waitUntil("the breaker alert") {
                out.all.contains { $0.topic == Topic.opsAlerts.rawValue && (try? Keel_V1_Alert(serializedBytes: $0.value))?.labels["breaker"] == "drawdown" }
            }
            // Equity recovers: the breaker stays latched.
            await desk.apply(equity: try Money(parsing: "10500"), at: Timestamp(milliseconds: 3))
            let latched = try entry(eth, 4, strategy: strategy, price: "3000", stop: "2900")
            try await send(latched)
            try await BusTesting.waitUntil("the latched rejection") { decisions().contains { $0.id == latched.id } }
            #expect(decisions().first { $0.id == latched.id }?.reasons == [.drawdownBreaker])

            // 4. A reset from someone who is not an operator is refused and dead-lettered.
            _ = try await producer.send(OutgoingMessage(topic: commandsTopic, key: "*", value: try command("c-evil", by: "mallory") {
                $0.resetBreaker = Keel_V1_OperatorCommand.ResetBreaker.with { $0.breaker = .all }
            }))
            try await BusTesting.waitUntil("the refused command in the dead-letter topic") {
                out.all.contains { $0.topic == DeadLetters.topic(for: commandsTopic) }
            }
            #expect(try await RiskControlStore(pool: pool).load().breakerTripped)

            // 5. The operator resets the breakers: entries resume.
            _ = try await producer.send(OutgoingMessage(topic: commandsTopic, key: "*", value: try command("c-reset", by: "cli:ops") {
                $0.resetBreaker = Keel_V1_OperatorCommand.ResetBreaker.with { $0.breaker = .all }
            }))
            try await BusTesting.waitUntil("the reset") { !(try await RiskControlStore(pool: pool).load().breakerTripped) }
            let resumed = try entry(eth, 5, strategy: strategy, price: "3000", stop: "2900")
            try await send(resumed)
            try await BusTesting.waitUntil("the resumed entry") { decisions().contains { $0.id == resumed.id } }
            #expect(decisions().first { $0.id == resumed.id }?.approved == true)

            for consumer in [intents, commands, reader] { consumer.stop() }
            try await deciding.value
            try await commanding.value
            try await reading.value
        }
    }

    @Test func pauseAndBreakerSurviveARestartAndExitsStillPass() async throws {
        try await withScratchDatabase("risk_restart") { config in
            let pool = PostgresPool(config: config)
            defer { Task { await pool.close() } }
            _ = try await Migrator().migrate(pool)
            let producer = try KafkaProducer(config: try TestEnvironment.kafka(), logger: BusTesting.logger)
            defer { producer.close() }
            let strategy = TestEnvironment.uniqueName("restart")
            // Execution's records: equity fell from 10,000 to 8,000; a BTC long is open.
            try await pool.execute(
                """
                INSERT INTO account_equity (account, currency, equity, wallet_balance, available_balance, unrealised_pnl, margin_used, recorded_at)
                VALUES ('main', 'USDT', 10000, 10000, 10000, 0, 0, $1), ('main', 'USDT', 8000, 8000, 8000, 0, 0, $2)
                """, [Timestamp.systemNow().milliseconds - 2000, Timestamp.systemNow().milliseconds - 1000])
            try await pool.execute(
                """
                INSERT INTO exec_positions (symbol, side, size, average_price, leverage, sequence, updated_at)
                VALUES ('BTCUSDT', 'buy', 0.1, 60000, 5, 7, $1)
                """, [Timestamp.systemNow().milliseconds])

            let before = desk(pool, producer)
            let tripping = try await before.handle(try entry(eth, 0, strategy: strategy, price: "3000", stop: "2900"))
            #expect(tripping.decision.rejection == .drawdownBreaker)
            #expect(try await before.apply(OperatorCommand(id: TestEnvironment.uniqueName("pause"), issuedBy: "cli:ops", action: .pause, issuedAt: .systemNow())) != .alreadyApplied)

            // A new desk (a restarted service) reads the breaker, the pause and the position back.
            let after = desk(pool, producer)
            let refused = try await after.handle(try entry(eth, 1, strategy: strategy, price: "3000", stop: "2900"))
            let reasons = try #require(try await RiskDecisionLog(pool: pool).decision(intentID: refused.intent.id)).verdicts
                .compactMap { $0.outcome == .reject ? $0.reason : nil }
            #expect(reasons.contains(.paused) && reasons.contains(.drawdownBreaker))
            let state = await after.account
            let portfolio = await after.portfolio
            #expect(state.paused && state.breakerTripped)
            #expect(portfolio?.positions[btc]?.size == (try Quantity(parsing: "0.1")))

            // Closing BTC (an operator's close) passes while paused and tripped.
            let closing = try await after.apply(OperatorCommand(
                id: TestEnvironment.uniqueName("close"), issuedBy: "cli:ops", action: .closeSymbol(btc), issuedAt: .systemNow()))
            #expect(closing == .applied("closing BTCUSDT"))
            let exits = try await RiskDecisionLog(pool: pool).recent(limit: 10).filter { $0.intent.kind == .exit }
            #expect(exits.count == 1 && exits.first?.decision.approval?.reduceOnly == true)
            // An unknown symbol is rejected with its reason, never retried.
            let unknown = try await after.handle(try entry(try Symbol("NOPEUSDT"), 2, strategy: strategy))
            #expect(unknown.decision.rejection != nil)
            #expect(unknown.verdicts.contains { $0.reason == .unknownSymbol })
        }
    }

    @Test func twoDesksOnOneDatabaseShareThePortfolioLimits() async throws {
        try await withScratchDatabase("risk_two") { config in
            let pool = PostgresPool(config: config)
            defer { Task { await pool.close() } }
            _ = try await Migrator().migrate(pool)
            let producer = try KafkaProducer(config: try TestEnvironment.kafka(), logger: BusTesting.logger)
            defer { producer.close() }
            var settings = RiskSettings()
            settings.exposure.maxOpenPositions = 1
            let strategy = TestEnvironment.uniqueName("two")
            // Two instances, each owning its own symbols (as the consumer group would assign them).
            let a = desk(pool, producer, settings: settings)
            let b = desk(pool, producer, settings: settings)
            for desk in [a, b] { await desk.apply(equity: try Money(parsing: "10000"), at: Timestamp(milliseconds: 1)) }
            let onA = try entry(btc, 0, strategy: strategy)
            let onB = try entry(eth, 0, strategy: strategy, price: "3000", stop: "2900")
            async let first = a.handle(onA)
            async let second = b.handle(onB)
            let decided = try await [first, second]
            // At most one position: exactly one of the two concurrent entries is approved.
            #expect(decided.filter { $0.decision.approval != nil }.count == 1)
            #expect(decided.compactMap(\.decision.rejection) == [.maxOpenPositions])
            // The same intent redelivered to the other instance (a rebalance) gets the same answer.
            let again = try await b.handle(onA)
            #expect(again.decision == decided[0].decision)
        }
    }
}
