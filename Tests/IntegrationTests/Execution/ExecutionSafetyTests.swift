import Core
import Exchange
import ExchangeSimulator
import Execution
import OrderManagement
import Testing

/// Execution's defined rules for a misbehaving venue and bad input, against the simulator,
/// PostgreSQL, Redis and the broker: the circuit breaker, orders Keel did not place, late and
/// impossible reports, orders that break instrument rules, limit-entry timeouts, expiry and
/// time exits.
@Suite("Execution safety", .serialized)
struct ExecutionSafetyTests {
    let btc = DeskFixture.btc

    @Test("a 403 opens the breaker: entries are refused and recorded; a probe after the cool-down closes it; exits still go out")
    func circuitBreaker() async throws {
        let budget = RateBudget(configuration: .init(forbiddenCoolDown: .milliseconds(400)))
        try await DeskFixture.with("exec_breaker", settings: {
            $0.breakerProbeMs = 300
            $0.breakerFailures = 1
        }, budget: budget) { fixture in
            let opening = TestEnvironment.uniqueName("open")
            try await fixture.desk.place(try await fixture.entry(opening))
            #expect(try await fixture.venuePositionSize() == (try Quantity(parsing: "0.010")))

            let refused = TestEnvironment.uniqueName("refused")
            let refusedEntry = try await fixture.entry(refused)
            fixture.simulator.faults.refuseNext(1, with: .forbidden)
            await #expect(throws: (any Error).self) { try await fixture.desk.reconcile() }
            #expect(await fixture.desk.acceptsEntries == false)
            try await fixture.desk.place(refusedEntry)
            let record = try #require(try await fixture.recorded(refused))
            #expect(record.status == "Rejected" && record.reason.contains("circuit breaker open"))
            try await Task.sleep(for: .milliseconds(450))
            #expect(try await fixture.client.order(symbol: btc, orderLinkID: VenueOrder.orderLinkID(intentID: refused)) == nil,
                    "nothing reached the venue")
            try await fixture.desk.reconcile()
            #expect(await fixture.desk.acceptsEntries, "a successful probe after the cool-down closes the breaker")

            // Failures open it too (one is the threshold here); an exit is still sent.
            fixture.simulator.faults.refuseNext(2, with: .rateLimited)
            await #expect(throws: (any Error).self) { try await fixture.desk.reconcile() }
            #expect(await fixture.desk.acceptsEntries == false)
            let closing = TestEnvironment.uniqueName("close")
            try await fixture.desk.place(try await fixture.exit(closing))
            #expect(try await fixture.recorded(closing, role: "exit")?.status != "Rejected")
            #expect(try await fixture.venuePositionSize().isZero)
        }
    }

    @Test("venue orders Keel did not place are reported and cancelled or adopted by policy")
    func orphans() async throws {
        for policy in [OrphanPolicy.cancel, .adopt] {
            try await DeskFixture.with("exec_orphans", settings: { $0.orphans = policy }) { fixture in
                let last = try await fixture.client.tickers(symbol: btc).first!.lastPrice
                let far = try last.value.multiplied(by: try FixedPoint(parsing: "0.8"), scale: 1, rounding: .down).price
                let byHand = try await fixture.client.createOrder(try BybitOrderRequest(
                    symbol: btc, side: .buy, quantity: try Quantity(parsing: "0.001"),
                    kind: .limit(price: far, timeInForce: .goodTillCancel), orderLinkID: "by-hand-\(policy.rawValue)"))
                try await fixture.desk.reconcile()
                #expect(try await fixture.anomalies("unknown_venue_order").count == 1)
                let open = try await fixture.client.openOrders(symbol: btc).map(\.orderID)
                switch policy {
                case .cancel:
                    #expect(!open.contains(byHand.orderID), "cancelled on the venue")
                case .adopt:
                    #expect(open.contains(byHand.orderID), "left working")
                    let role = try await fixture.pool.execute(
                        "SELECT role FROM exec_orders WHERE venue_order_id = $1", [byHand.orderID]).single().string(0)
                    #expect(role == "adopted")
                    try await fixture.desk.reconcile()
                    #expect(try await fixture.anomalies("unknown_venue_order").count == 1, "reported once: adopted orders are known")
                case .report:
                    break
                }
            }
        }
    }

    @Test("late, impossible and unknown stream reports are refused and recorded; the record stands")
    func badReports() async throws {
        try await DeskFixture.with("exec_reports") { fixture in
            let intent = TestEnvironment.uniqueName("entry")
            try await fixture.desk.place(try await fixture.entry(intent))
            try await Task.sleep(for: .milliseconds(1100))  // past the quiet time after which orders are queried
            try await fixture.desk.reconcile()
            #expect(try await fixture.recorded(intent)?.status == "Filled")
            let link = try VenueOrder.orderLinkID(intentID: intent)
            let venue = try #require(try await fixture.client.order(symbol: btc, orderLinkID: link))

            let late = try venue.order().updated(status: .new, filledQuantity: .zero, averagePrice: nil)
            await fixture.desk.apply(.orders([BybitOrderUpdate(order: late, updatedTime: venue.updatedTime.adding(milliseconds: -1000))]))
            let cancelled = try venue.order().updated(status: .cancelled, filledQuantity: venue.executedQuantity, averagePrice: venue.averagePrice)
            await fixture.desk.apply(.orders([BybitOrderUpdate(order: cancelled, updatedTime: venue.updatedTime.adding(milliseconds: 1000))]))
            let stranger = try Order(
                exchangeOrderID: "venue-x", clientOrderID: "not-keels", symbol: btc, side: .sell, type: .market,
                quantity: try Quantity(parsing: "1"), status: .filled, filledQuantity: try Quantity(parsing: "1"),
                averagePrice: try Price(parsing: "1"))
            await fixture.desk.apply(.orders([BybitOrderUpdate(order: stranger, updatedTime: venue.updatedTime)]))

            #expect(try await fixture.recorded(intent)?.status == "Filled", "the record stands")
            #expect(try await fixture.anomalies("stale_order_report").count == 1)
            #expect(try await fixture.anomalies("impossible_order_report").count == 1)
            #expect(try await fixture.anomalies("unknown_order_report").count == 1)
        }
    }

    @Test("an approved order that breaks an instrument rule is recorded as rejected and never sent")
    func instrumentRules() async throws {
        try await DeskFixture.with("exec_rules") { fixture in
            let intent = TestEnvironment.uniqueName("tiny")
            let good = try await fixture.entry(intent)
            let tiny = try ApprovedOrder(
                intentID: intent, symbol: btc, side: .buy, kind: .entry, quantity: try Quantity(parsing: "0.0001"),
                referencePrice: good.referencePrice, leverage: good.leverage, stopLoss: good.stopLoss, takeProfits: [], reduceOnly: false)
            try await fixture.desk.place(tiny)
            let record = try #require(try await fixture.recorded(intent))
            #expect(record.status == "Rejected" && !record.reason.isEmpty)
            #expect(try await fixture.client.order(symbol: btc, orderLinkID: VenueOrder.orderLinkID(intentID: intent)) == nil)
        }
    }

    @Test("a limit entry that times out is cancelled and the rest taken at the market")
    func limitEntryTimeout() async throws {
        try await DeskFixture.with("exec_limit", settings: {
            // Long enough that placing the order (lock, database, venue) under a loaded CI
            // machine never outlasts it: the timeout must not fire before the order is seen resting.
            $0.limitEntryTimeoutMs = 3000
            $0.entryTimeout = .market
        }) { fixture in
            let last = try await fixture.client.tickers(symbol: btc).first!.lastPrice
            let below = try last.value.multiplied(by: try FixedPoint(parsing: "0.97"), scale: 1, rounding: .down).price
            let intent = TestEnvironment.uniqueName("limit")
            try await fixture.desk.place(try await fixture.entry(intent, entry: .limit(below)))
            #expect(try await fixture.recorded(intent)?.status == "New", "resting below the market")
            try await Task.sleep(for: .milliseconds(3100))
            try await fixture.desk.reconcile()  // cancels the limit
            try await fixture.desk.reconcile()  // takes the rest at the market
            try await Task.sleep(for: .milliseconds(1100))
            try await fixture.desk.reconcile()  // records its fill
            let plan = try #require(try await fixture.ledger.activeTrades(symbol: btc).first?.plan)
            let orders = try await fixture.ledger.tradeOrders(intentID: intent)
            #expect(orders[plan.entryID]?.status == .cancelled)
            #expect(orders[plan.entryAtMarketID]?.status == .filled)
            #expect(try await fixture.venuePositionSize() == (try Quantity(parsing: "0.010")))
        }
    }

    @Test("an unfilled entry is cancelled when its intent expires; a position held too long is closed at the market")
    func expiryAndTimeExit() async throws {
        try await DeskFixture.with("exec_expiry", settings: { $0.maxHoldingMs = 1500 }) { fixture in
            let last = try await fixture.client.tickers(symbol: btc).first!.lastPrice
            let below = try last.value.multiplied(by: try FixedPoint(parsing: "0.97"), scale: 1, rounding: .down).price
            let expiring = TestEnvironment.uniqueName("expiring")
            try await fixture.desk.place(try await fixture.entry(
                expiring, entry: .limit(below), expiresAt: Timestamp.systemNow().adding(milliseconds: 800)))
            let held = TestEnvironment.uniqueName("held")
            try await fixture.desk.place(try await fixture.entry(held))
            try await fixture.desk.reconcile()
            #expect(try await fixture.venuePositionSize() == (try Quantity(parsing: "0.010")))

            try await Task.sleep(for: .milliseconds(1600))
            try await fixture.desk.reconcile()
            try await fixture.desk.reconcile()
            #expect(try await fixture.recorded(expiring)?.status == "Cancelled")
            #expect(try await fixture.venuePositionSize().isZero, "the time exit closed the position")
            let reasons = try await fixture.pool.execute(
                "SELECT intent_id, close_reason FROM exec_trades ORDER BY intent_id").rows.map { (try $0.string(0), try $0.optionalString(1)) }
            #expect(reasons.first { $0.0 == expiring }?.1 == "intent expired unfilled")
            #expect(reasons.first { $0.0 == held }?.1 == "time exit: held 1 s")
        }
    }
}
