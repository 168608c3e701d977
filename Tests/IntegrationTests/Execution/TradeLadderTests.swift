import Bus
import Core
import Exchange
@testable import ExchangeSimulator
import Execution
import Locks
import Logging
import OrderManagement
import Store
import Synchronization
import Testing

/// A whole trade on the simulator, with execution's desk over real PostgreSQL, Redis and the
/// broker: the market entry, the take-profit ladder as reduce-only limits, the stop to
/// break-even after the first step, the venue's trailing stop closing the rest — quantities
/// and PnL to the cent. The simulator's clock jumps when the test says, so the seeded price
/// path is known in advance and the test walks time through it.
/// Real time from `start`, plus the jumps a test makes: signed requests stay within the venue's
/// receive window between jumps, as they would not on a clock that stands still.
final class JumpingClock: TradingClock {
    private let offset: Mutex<Int64>

    init(_ start: Timestamp) {
        offset = Mutex(start.milliseconds - Timestamp.systemNow().milliseconds)
    }

    func now() -> Timestamp { Timestamp.systemNow().adding(milliseconds: offset.withLock { $0 }) }

    func jump(by milliseconds: Int64) { offset.withLock { $0 += milliseconds } }
}

@Suite("Execution trade ladder", .serialized)
struct TradeLadderTests {
    static let btc = try! Symbol("BTCUSDT")
    static let credentials = BybitCredentials(apiKey: SimulatedAccount.standard.apiKey, secret: SimulatedAccount.standard.secret)
    static let logger = Logger(label: "keel.test.execution")

    /// The simulator's BTCUSDT price at `ticks` (tick 0.10).
    static func price(ticks: Int64) -> Price { Price(try! FixedPoint(units: ticks * 10, scale: 2)) }

    @Test("TP1 fills, the stop moves to break-even, the trailing stop closes the rest: quantities and PnL to the cent")
    func ladderPlaysOut() async throws {
        let start = Timestamp(milliseconds: 1_767_225_600_000)  // 2026-01-01 00:00 UTC
        let clock = JumpingClock(start)
        let simulator = BybitSimulator(configuration: .init(seed: 11), clock: SimulatorClock(clock))
        let port = try await simulator.start(host: "127.0.0.1", port: 0)
        defer { Task { await simulator.stop() } }
        let path = { (time: Timestamp) in simulator.market.lastPriceTicks(Self.btc, at: time) }

        // The plan, from the price path: a target 0.3 % up that the path reaches, trailing 0.1 %
        // behind the best price after it, so the trailing stop sits above break-even.
        let entryTicks = path(start)
        let up = entryTicks * 3 / 1000
        let targetTicks = entryTicks + up
        var reached: Timestamp?
        var time = start
        while time < start.adding(milliseconds: 2 * 86_400_000), reached == nil {
            time = time.adding(milliseconds: 250)
            if path(time) >= targetTicks { reached = time }
        }
        let tp1Time = try #require(reached, "the seeded path reaches the target within two days")
        let distance = Self.price(ticks: entryTicks / 1000)

        try await withScratchDatabase("exec_ladder") { config in
            let pool = PostgresPool(config: config)
            defer { Task { await pool.close() } }
            _ = try await Migrator().migrate(pool)
            let producer = try KafkaProducer(config: try TestEnvironment.kafka(), logger: Self.logger)
            defer { producer.close() }
            let redis = try await RedisConnection.connect(config: try TestEnvironment.redis(), logger: Self.logger)
            let client = BybitRESTClient(configuration: .init(baseURL: "http://127.0.0.1:\(port)", credentials: Self.credentials))
            _ = try await client.loadInstrumentRules()
            _ = try await client.synchronizeTime()
            let ledger = ExecutionLedger(pool: pool)
            let desk = ExecutionDesk(
                client: client, ledger: ledger, locks: SymbolLocks(connection: redis, keyPrefix: TestEnvironment.uniqueName("ladder"), logger: Self.logger),
                producer: producer, venue: .simulator,
                settings: .init(account: "ladder", symbols: [Self.btc], lockTTL: .seconds(30), lockWait: .seconds(5), stuckOrderMs: 1000),
                clock: clock, logger: Self.logger)
            /// Moves both clocks on and lets execution look at the venue.
            func step(_ milliseconds: Int64) async throws {
                clock.jump(by: milliseconds)
                _ = try await client.synchronizeTime()
                try await desk.reconcile()
            }

            let intentID = TestEnvironment.uniqueName("ladder-intent")
            let quantity = try Quantity(parsing: "0.010")
            let order = try ApprovedOrder(
                intentID: intentID, symbol: Self.btc, side: .buy, kind: .entry, quantity: quantity,
                referencePrice: Self.price(ticks: entryTicks), leverage: FixedPoint(integer: 5),
                stopLoss: Self.price(ticks: entryTicks * 95 / 100),
                takeProfits: [Self.price(ticks: targetTicks), Self.price(ticks: entryTicks * 3 / 2)], reduceOnly: false,
                takeProfitQuantities: [try Quantity(parsing: "0.005"), try Quantity(parsing: "0.005")],
                trailing: try TrailingRule(offset: .distance(distance), afterTarget: 1), breakEvenAfterTarget: 1)
            try await desk.place(order)
            try await step(2000)

            let plan = try #require(try await ledger.activeTrades(symbol: Self.btc).first?.plan)
            var orders = try await ledger.tradeOrders(intentID: intentID)
            #expect(orders[plan.entryID]?.status == .filled)
            #expect(orders[plan.stepID(0)]?.status == .new && orders[plan.stepID(1)]?.status == .new, "the ladder rests on the venue")

            // Walk to just before the target is reached, then past it in small steps.
            while clock.now() < tp1Time.adding(milliseconds: -600_000) { try await step(300_000) }
            while try await ledger.tradeOrders(intentID: intentID)[plan.stepID(0)]?.status != .filled {
                #expect(clock.now() < tp1Time.adding(milliseconds: 60_000), "TP1 fills when the price reaches it")
                try await step(1000)
            }
            try await step(1000)  // execution looks once more: break-even and trailing go on
            let afterTP1 = try #require(try await client.position(symbol: Self.btc))
            let entryFills = try await Self.fills(pool, plan.entryID)
            let entryPrice = try #require(entryFills.first?.price)
            #expect(afterTP1.size == (try Quantity(parsing: "0.005")))
            #expect(afterTP1.stopLoss == (try entryPrice.rounded(toTick: plan.priceTick, mode: .up)), "the stop is at break-even")
            #expect(afterTP1.trailingStop == distance, "the venue trails the rest")

            // Walk on until the trailing stop closes the position.
            var steps = 0
            while try await client.position(symbol: Self.btc)?.size.isZero == false {
                steps += 1
                #expect(steps < 3000, "the trailing stop closes the position")
                if steps >= 3000 { return }
                try await step(5000)
            }
            try await step(1000)

            // What the venue did: the trailing stop closed the rest.
            let closing = simulator.engine.withLedger { ledger in
                ledger.accounts[SimulatedAccount.standard.apiKey]!.orders.filter { $0.stopOrderType != .none }.map(\.stopOrderType)
            }
            #expect(closing == [.trailingStop])

            // Quantities and PnL to the cent, from the venue's own fill prices and fees.
            let tp1Fills = try await Self.fills(pool, plan.stepID(0))
            let allFills = try await Self.allFills(pool)
            let exitFills = allFills.filter { $0.clientOrderID.isEmpty }
            #expect(entryFills.map(\.quantity).reduce(Quantity.zero, { try! $0 + $1 }) == quantity)
            let half = try Quantity(parsing: "0.005")
            #expect(tp1Fills.count == 1)
            #expect(tp1Fills.first?.quantity == half && tp1Fills.first?.price == Self.price(ticks: targetTicks))
            #expect(exitFills.map(\.quantity).reduce(Quantity.zero, { try! $0 + $1 }) == half)
            var expected = Money.zero
            for fill in entryFills { expected = try expected - fill.fee }
            for fill in tp1Fills + exitFills {
                let gain = try fill.price.value.subtracting(entryPrice.value).multiplied(by: fill.quantity.value)
                expected = try expected + Money(gain) - fill.fee
            }
            let recorded = try await pool.execute("SELECT sum(realised_pnl)::text FROM exec_fills").single().string(0)
            let cents = { (text: String) in try Money(parsing: text).rounded(scale: 2, mode: .nearest) }
            #expect(try cents(recorded) == expected.rounded(scale: 2, mode: .nearest), "realised PnL per fill adds up to the trade's")
            let venuePnL = try #require(try await client.position(symbol: Self.btc)).cumulativeRealisedPnL
            #expect(try cents(recorded) == venuePnL.rounded(scale: 2, mode: .nearest), "and to the venue's realised PnL")

            orders = try await ledger.tradeOrders(intentID: intentID)
            #expect(orders[plan.stepID(1)]?.status == .cancelled, "the second step came off with the position")
            #expect(try await ledger.activeTrades(symbol: Self.btc).isEmpty, "the trade is closed")
            let reason = try await pool.execute("SELECT close_reason FROM exec_trades WHERE intent_id = $1", [intentID]).single().string(0)
            #expect(reason == "position closed on the venue")
        }
    }

    struct RecordedFill {
        let clientOrderID: String
        let price: Price
        let quantity: Quantity
        let fee: Money
    }

    static func fills(_ pool: PostgresPool, _ clientOrderID: String) async throws -> [RecordedFill] {
        try await allFills(pool).filter { $0.clientOrderID == clientOrderID }
    }

    static func allFills(_ pool: PostgresPool) async throws -> [RecordedFill] {
        try await pool.execute(
            "SELECT client_order_id, price::text, quantity::text, fee::text FROM exec_fills ORDER BY filled_at, fill_id"
        ).rows.map { row in
            RecordedFill(
                clientOrderID: try row.string(0), price: try Price(parsing: row.string(1)),
                quantity: try Quantity(parsing: row.string(2)), fee: try Money(parsing: row.string(3)))
        }
    }
}
