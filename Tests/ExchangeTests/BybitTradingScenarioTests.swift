import Core
import Exchange
import ExchangeSimulator
import Foundation
import Synchronization
import Testing

/// The conformance scenario pybit runs (Tests/Conformance/pybit_scenario.py), through Keel's own
/// client, against the simulator over real HTTP.
@Suite("Bybit trading through Keel's client", .serialized)
struct BybitTradingScenarioTests {
    static let credentials = BybitCredentials(apiKey: "keel-sim-key", secret: Secret("keel-sim-secret"))
    let btc = try! Symbol("BTCUSDT")

    func withTradingClient<T>(
        _ configuration: BybitSimulator.Configuration = .init(),
        _ body: (BybitSimulator, BybitRESTClient, String) async throws -> T
    ) async throws -> T {
        try await withRunningSimulator(configuration) { simulator, port in
            let baseURL = "http://127.0.0.1:\(port)"
            let client = BybitRESTClient(configuration: .init(baseURL: baseURL, credentials: Self.credentials))
            try await client.synchronizeTime()
            return try await body(simulator, client, baseURL)
        }
    }

    @Test func scenario() async throws {
        try await withTradingClient { _, client, baseURL in
            let stream = BybitPrivateStream(
                configuration: .init(url: "ws" + baseURL.dropFirst(4) + "/v5/private"), credentials: Self.credentials,
                serverNow: { client.serverNow() }, logger: streamTestLogger)
            let (account, streaming) = recording(stream.messages, run: stream.run)
            defer { streaming.cancel() }
            #expect(await account.waitUntil { if case .reply(let reply) = $0 { reply.op == "subscribe" && reply.success } else { false } } != nil)

            let info = try await client.apiKeyInfo()
            #expect(info.canTradeLinear)
            #expect(try await client.loadInstrumentRules() == SimulatedInstrument.defaults.count)
            let rules = try #require(try client.rules(for: btc))
            let candles = try await client.klines(symbol: btc, timeframe: .m1, limit: 10)
            #expect(candles.count == 10)

            try await client.setLeverage(symbol: btc, leverage: FixedPoint(integer: 5))
            // Unchanged leverage (110043) is success.
            try await client.setLeverage(symbol: btc, leverage: FixedPoint(integer: 5))

            let last = try #require(try await client.tickers(symbol: btc).first).lastPrice
            func onTick(_ percent: Int64) throws -> Price {
                try rules.roundPrice(Price(last.value.multiplied(by: FixedPoint(units: percent, scale: 2))), mode: .down)
            }
            let (below, takeProfit, stopLoss, raisedStop) = (try onTick(90), try onTick(110), try onTick(90), try onTick(95))
            let quantity = Quantity(try FixedPoint(parsing: "0.001"))
            let limit = try BybitOrderRequest(
                symbol: btc, side: .buy, quantity: quantity, kind: .limit(price: below, timeInForce: .goodTillCancel),
                orderLinkID: "keel-limit-1", takeProfit: try onTick(105), stopLoss: try onTick(85))
            let placed = try await client.createOrder(limit)
            #expect(placed.orderLinkID == "keel-limit-1" && !placed.orderID.isEmpty)
            let resting = try #require(try await client.order(symbol: btc, orderLinkID: "keel-limit-1"))
            #expect(resting.status == .new && resting.price == below)
            #expect(try await client.openOrders(symbol: btc).map(\.orderLinkID) == ["keel-limit-1"])
            _ = try await client.cancelOrder(symbol: btc, orderLinkID: "keel-limit-1")
            #expect(try await client.order(symbol: btc, orderLinkID: "keel-limit-1")?.status == .cancelled)
            await #expect {
                _ = try await client.cancelOrder(symbol: btc, orderLinkID: "keel-limit-1")
            } throws: { error in
                guard case BybitError.orderNotFound = error else { return false }
                return true
            }

            let market = try BybitOrderRequest(
                symbol: btc, side: .buy, quantity: Quantity(try FixedPoint(parsing: "0.002")), kind: .market(referencePrice: last),
                orderLinkID: "keel-market-1", takeProfit: takeProfit, stopLoss: stopLoss)
            let marketAck = try await client.createOrder(market)
            let filled = try #require(try await client.order(symbol: btc, orderLinkID: "keel-market-1"))
            #expect(filled.status == .filled && filled.executedQuantity == market.quantity)

            // The private stream told the same story.
            func streamed(_ link: String, _ status: OrderStatus) async -> Bool {
                await account.waitUntil { message in
                    guard case .orders(let orders) = message else { return false }
                    return orders.contains { $0.order.clientOrderID == link && $0.order.status == status }
                } != nil
            }
            #expect(await streamed("keel-limit-1", .new))
            #expect(await streamed("keel-limit-1", .cancelled))
            #expect(await streamed("keel-market-1", .filled))
            let fills = await account.wait { message -> [Fill]? in
                guard case .executions(let fills) = message else { return nil }
                let ours = fills.filter { $0.orderID == marketAck.orderID }
                return ours.isEmpty ? nil : ours
            }?.value ?? []
            #expect(try fills.reduce(Quantity.zero) { try $0 + $1.quantity } == market.quantity)
            #expect(fills.allSatisfy { !$0.isMaker && $0.fee.isPositive })
            // The execution list answers the same fills, for whoever missed the stream.
            #expect(Set(try await client.executions(symbol: btc, orderID: marketAck.orderID)) == Set(fills))
            #expect(Set(try await client.executions(symbol: btc)).isSuperset(of: fills))
            #expect(try await client.executions(symbol: btc, since: Timestamp.systemNow().adding(milliseconds: 3_600_000)).isEmpty)

            let position = try #require(try await client.position(symbol: btc))
            #expect(position.side == .buy && position.size == market.quantity && position.leverage == FixedPoint(integer: 5))
            #expect(position.takeProfit == takeProfit && position.stopLoss == stopLoss)
            #expect(try await client.positions().filter { !$0.size.isZero }.map(\.symbol) == [btc])

            try await client.setTradingStop(symbol: btc, BybitTradingStop(stopLoss: raisedStop))
            #expect(try await client.position(symbol: btc)?.stopLoss == raisedStop)

            let wallet = try await client.walletBalance(coin: "USDT")
            let usdt = try #require(wallet.coin("USDT"))
            // The taker fee of the market order came out of the 100,000 USDT.
            #expect(usdt.walletBalance < Money(FixedPoint(integer: 100_000)))
            #expect(wallet.totalInitialMargin.isPositive)
        }
    }

    @Test func rulesAreLoadedOnFirstNeed() async throws {
        try await withTradingClient { _, client, _ in
            let before = try client.rules(for: btc)
            #expect(before == nil)
            #expect(try await client.requireRules(for: btc).symbol == btc)
            let after = try client.rules(for: btc)
            #expect(after != nil)
            await #expect(throws: UnknownInstrumentError.self) { _ = try await client.requireRules(for: try Symbol("NOPEUSDT")) }
        }
    }

    @Test func anOrderBreakingARuleIsRefusedBeforeItIsSent() async throws {
        try await withTradingClient { _, client, _ in
            try await client.loadInstrumentRules()
            let offTick = try BybitOrderRequest(
                symbol: btc, side: .buy, quantity: Quantity(try FixedPoint(parsing: "0.001")),
                kind: .limit(price: Price(try FixedPoint(parsing: "50000.05")), timeInForce: .goodTillCancel), orderLinkID: "off-tick")
            await #expect {
                _ = try await client.createOrder(offTick)
            } throws: { ($0 as? InstrumentRuleViolation)?.rule == "tickSize" }
            #expect(try await client.order(symbol: btc, orderLinkID: "off-tick") == nil)
            let unknown = try BybitOrderRequest(
                symbol: try Symbol("NOPEUSDT"), side: .buy, quantity: Quantity(try FixedPoint(parsing: "1")),
                kind: .market(referencePrice: Price(try FixedPoint(parsing: "1"))), orderLinkID: "unknown")
            await #expect(throws: UnknownInstrumentError.self) { _ = try await client.createOrder(unknown) }
        }
    }

    @Test func aCreateThatTimesOutAfterExecutingLeavesExactlyOneOrder() async throws {
        try await withTradingClient { simulator, _, baseURL in
            // A client whose requests give up after 1 s; the simulator places the order, then
            // holds the reply for 3 s.
            let client = BybitRESTClient(
                configuration: .init(baseURL: baseURL, credentials: Self.credentials),
                http: CurlHTTPClient(configuration: .init(timeout: .seconds(1))))
            let last = try #require(try await client.tickers(symbol: btc).first).lastPrice
            let request = try BybitOrderRequest(
                symbol: btc, side: .buy, quantity: Quantity(try FixedPoint(parsing: "0.001")),
                kind: .market(referencePrice: last), orderLinkID: "keel-timeout-1")
            simulator.faults.holdNextCreate(for: .seconds(3))
            let ack = try await client.createOrder(request)
            #expect(ack.orderLinkID == "keel-timeout-1")
            let placed = try #require(try await client.order(symbol: btc, orderLinkID: "keel-timeout-1"))
            #expect(placed.orderID == ack.orderID && placed.status == .filled)
            // Exactly one order: the position holds one order's quantity, not two.
            #expect(try await client.position(symbol: btc)?.size == request.quantity)
        }
    }

    @Test func refusalsAreRetriedAndAForbiddenStopsEverything() async throws {
        try await withTradingClient { simulator, client, _ in
            simulator.faults.refuseNext(2, with: .rateLimited)
            let wallet = try await client.walletBalance()
            #expect(wallet.coin("USDT") != nil)
            #expect(simulator.faults.pendingRefusals == 0)
            simulator.faults.refuseNext(1, with: .forbidden)
            await #expect {
                _ = try await client.apiKeyInfo()
            } throws: { error in
                guard case BybitClientError.ipRateLimited = error else { return false }
                return true
            }
            #expect(await client.budget.isForbidden)
        }
    }

    @Test func instrumentRulesRefreshAndKeepTheLastGoodSetWhenARefreshFails() async throws {
        let simulator = BybitSimulator()
        let port = try await simulator.start(port: 0)
        let client = BybitRESTClient(configuration: .init(baseURL: "http://127.0.0.1:\(port)", maxAttempts: 2))
        #expect(try await client.loadInstrumentRules() == SimulatedInstrument.defaults.count)
        let failures = Mutex<[String]>([])
        let refresher = Task {
            await client.refreshInstrumentRules(every: .milliseconds(100)) { error in failures.withLock { $0.append("\(error)") } }
        }
        try await Task.sleep(for: .milliseconds(400))
        #expect(failures.withLock { $0 }.isEmpty)
        await simulator.stop()
        let deadline = ContinuousClock.now + .seconds(10)
        while failures.withLock({ $0 }).isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        refresher.cancel()
        await refresher.value
        #expect(!failures.withLock { $0 }.isEmpty)
        #expect(try client.rules(for: btc)?.tickSize == Price(try FixedPoint(parsing: "0.10")))
    }
}
