import Bus
import Core
import Ledger
import Risk
import RiskDesk
import Schemas
import Store
import Testing

/// Risk's desk against the real broker and PostgreSQL: decide once, record, publish; a
/// redelivered intent gets the recorded decision again.
@Suite("Risk desk", .serialized)
struct RiskDeskTests {
    let btc = try! Symbol("BTCUSDT")
    let limits = InstrumentLimits(
        qtyStep: try! Quantity(parsing: "0.001"), minOrderQty: try! Quantity(parsing: "0.001"),
        minNotional: try! Money(parsing: "5"), maxLeverage: FixedPoint(integer: 100))

    /// An entry on a candle that has just closed (risk refuses stale intents).
    func entry(_ minute: Int64, strategy: String) throws -> Intent {
        let now = Timestamp.systemNow().milliseconds
        let time = Timestamp(milliseconds: now - 900_000 + minute)
        return try Intent(
            id: Intent.deriveID(strategy: strategy, symbol: btc, timeframe: .m15, candleTime: time, kind: .entry, side: .buy),
            strategy: strategy, symbol: btc, side: .buy, kind: .entry, referencePrice: try Price(parsing: "60000"),
            stopLoss: try Price(parsing: "59000"), takeProfits: [], timeframe: .m15, candleTime: time,
            createdAt: Timestamp(milliseconds: now))
    }

    @Test func decidesOncePublishesAndRefusesASecondEntryOnTheSymbol() async throws {
        try await withScratchDatabase("risk_desk") { config in
            let pool = PostgresPool(config: config)
            defer { Task { await pool.close() } }
            _ = try await Migrator().migrate(pool)
            try await TopicAdmin(config: try TestEnvironment.kafka()).create([
                .init(name: Topic.riskOrders.rawValue, partitions: 3), .init(name: Topic.riskRejections.rawValue, partitions: 3),
            ])
            let producer = try KafkaProducer(config: try TestEnvironment.kafka(), logger: BusTesting.logger)
            defer { producer.close() }
            let limits = self.limits
            let desk = RiskDesk(
                engine: RiskEngine(), log: RiskDecisionLog(pool: pool), producer: producer, venue: .simulator,
                limits: { _ in limits })
            let strategy = TestEnvironment.uniqueName("desk")
            let first = try entry(0, strategy: strategy)

            // No equity reported yet: the intent waits.
            await #expect(throws: RiskDesk.EquityUnknown.self) { try await desk.handle(first) }
            await desk.apply(equity: try Money(parsing: "10000"), at: Timestamp(milliseconds: 1))

            let approved = try await desk.handle(first)
            #expect(approved.decision.approval?.quantity == (try Quantity(parsing: "0.1")))
            // Redelivered: the same decision, published again.
            #expect(try await desk.handle(first) == approved)
            // A second entry on the symbol, before execution has reported the position: refused.
            let second = try entry(1, strategy: strategy)
            #expect(try await desk.handle(second).decision.rejection == .positionExists)

            let consumer = try KafkaConsumer(
                config: try TestEnvironment.kafka(), groupID: TestEnvironment.uniqueName("desk-reader"),
                topics: [Topic.riskOrders.rawValue, Topic.riskRejections.rawValue], deadLetters: producer, logger: BusTesting.logger)
            let received = Received()
            let reading = BusTesting.start(consumer) { received.append($0) }
            try await BusTesting.waitUntil("the desk's three messages") {
                received.all.filter { message in
                    (try? Keel_V1_ApprovedOrder(serializedBytes: message.value).strategy == strategy) == true && message.topic == Topic.riskOrders.rawValue
                        || (try? Keel_V1_Rejection(serializedBytes: message.value).strategy == strategy) == true && message.topic == Topic.riskRejections.rawValue
                }.count == 3
            }
            consumer.stop()
            try await reading.value
            let orders = try received.all.filter { $0.topic == Topic.riskOrders.rawValue }
                .map { try Keel_V1_ApprovedOrder(serializedBytes: $0.value) }.filter { $0.strategy == strategy }
            #expect(orders.count == 2 && Set(orders.map(\.orderID)) == [first.id])
            // Numerically equal (a decimal's scale may differ after a trip through PostgreSQL).
            #expect(orders.map { (try? FixedPoint(units: $0.qty.units, scale: UInt8($0.qty.scale))) } == [try FixedPoint(parsing: "0.1"), try FixedPoint(parsing: "0.1")])
            #expect(orders.allSatisfy { (try? FixedPoint(units: $0.leverage.units, scale: UInt8($0.leverage.scale))) == FixedPoint(integer: 5) })
            let rejections = try received.all.filter { $0.topic == Topic.riskRejections.rawValue }
                .map { try Keel_V1_Rejection(serializedBytes: $0.value) }.filter { $0.strategy == strategy }
            #expect(rejections.map(\.intentID) == [second.id] && rejections.first?.reasons == [.positionExists])
            #expect(try await RiskDecisionLog(pool: pool).recent(limit: 5).count == 2)
        }
    }
}
