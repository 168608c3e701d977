import Core
import Exchange
import ExchangeSimulator
import Execution
import Risk
import Testing

/// Approved orders placed on the exchange simulator over real HTTP.
@Suite("Order submission against the simulator")
struct OrderSubmitterTests {
    let btc = try! Symbol("BTCUSDT")
    let credentials = BybitCredentials(apiKey: "keel-sim-key", secret: Secret("keel-sim-secret"))

    func withVenue(_ body: (BybitSimulator, BybitRESTClient) async throws -> Void) async throws {
        let simulator = BybitSimulator()
        let port = try await simulator.start(port: 0)
        let client = BybitRESTClient(configuration: .init(baseURL: "http://127.0.0.1:\(port)", credentials: credentials))
        do {
            try await client.synchronizeTime()
            try await client.loadInstrumentRules()
            try await body(simulator, client)
            await simulator.stop()
        } catch {
            await simulator.stop()
            throw error
        }
    }

    func intent(_ kind: IntentKind, side: Side, price: Price, stop: Price?, target: Price?) throws -> Intent {
        let time = Timeframe.m15.bucketStart(of: .systemNow())
        return try Intent(
            id: Intent.deriveID(strategy: "test", symbol: btc, timeframe: .m15, candleTime: time, kind: kind, side: side),
            strategy: "test", symbol: btc, side: side, kind: kind, referencePrice: price, stopLoss: stop,
            takeProfits: target.map { [.whole(at: $0)] } ?? [], timeframe: .m15, candleTime: time, createdAt: time)
    }

    func limits(_ client: BybitRESTClient) throws -> InstrumentLimits {
        let rules = try #require(try client.rules(for: btc))
        return InstrumentLimits(qtyStep: rules.qtyStep, minOrderQty: rules.minOrderQty, minNotional: rules.minNotional, maxLeverage: rules.maxLeverage)
    }

    @Test func anApprovedEntryOpensOnePositionWithItsProtectionAndARepeatPlacesNothing() async throws {
        try await withVenue { _, client in
            let rules = try #require(try client.rules(for: btc))
            let last = try #require(try await client.tickers(symbol: btc).first).lastPrice
            let stop = try rules.roundPrice(Price(last.value.multiplied(by: FixedPoint(units: 98, scale: 2))), mode: .down)
            let target = try rules.roundPrice(Price(last.value.multiplied(by: FixedPoint(units: 104, scale: 2))), mode: .up)
            let entry = try intent(.entry, side: .buy, price: last, stop: stop, target: target)
            let decision = try RiskEngine().decide(entry, portfolio: Portfolio(equity: Money(FixedPoint(integer: 100_000)), positions: []), limits: try limits(client))
            let approval = try #require(decision.approval)
            let order = try VenueOrder(approval)
            #expect(order.request.orderLinkID == (try VenueOrder.orderLinkID(intentID: entry.id)))

            let submitter = OrderSubmitter(client: client)
            let first = try await submitter.submit(order)
            let again = try await submitter.submit(try VenueOrder(approval))
            #expect(again.orderID == first.orderID)

            let position = try #require(try await client.position(symbol: btc))
            #expect(position.side == .buy && position.size == approval.quantity)
            #expect(position.leverage == approval.leverage)
            #expect(position.stopLoss == stop && position.takeProfit == target)

            let snapshot = try await VenueSnapshot.read(from: client, symbols: [btc])
            #expect(snapshot.positions[btc]?.size == approval.quantity && snapshot.openOrders.isEmpty)

            // The exit names the long it closes; the venue gets a reduce-only sell of all of it.
            let portfolio = Portfolio(equity: Money(FixedPoint(integer: 100_000)), positions: [try position.position()])
            let exit = try intent(.exit, side: .buy, price: last, stop: nil, target: nil)
            let closing = try #require(try RiskEngine().decide(exit, portfolio: portfolio, limits: try limits(client)).approval)
            let exitOrder = try VenueOrder(closing)
            #expect(exitOrder.request.side == .sell && exitOrder.request.reduceOnly && exitOrder.leverage == nil)
            _ = try await submitter.submit(exitOrder)
            #expect(try await client.position(symbol: btc)?.size.isZero == true)
        }
    }

    @Test func aRestingOrderShowsInTheSnapshotByItsLinkID() async throws {
        try await withVenue { _, client in
            let last = try #require(try await client.tickers(symbol: btc).first).lastPrice
            let rules = try #require(try client.rules(for: btc))
            let below = try rules.roundPrice(Price(last.value.multiplied(by: FixedPoint(units: 90, scale: 2))), mode: .down)
            let request = try BybitOrderRequest(
                symbol: btc, side: .buy, quantity: rules.minOrderQty, kind: .limit(price: below, timeInForce: .goodTillCancel),
                orderLinkID: "resting-1")
            _ = try await client.createOrder(request)
            let snapshot = try await VenueSnapshot.read(from: client, symbols: [btc])
            #expect(snapshot.openOrders["resting-1"]?.status == .new)
            #expect(snapshot.positions.isEmpty)
        }
    }
}
