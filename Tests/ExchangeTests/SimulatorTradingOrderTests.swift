import Core
@testable import ExchangeSimulator
import Testing

/// The matching engine's order types, fees and reject codes, without a server.
@Suite("Simulator matching engine: orders")
struct SimulatorTradingOrderTests {
    let start = TradingHarness.start

    @Test func marketOrderWalksTheBookAndPaysTheTakerFee() throws {
        let harness = TradingHarness()
        let last = harness.last()
        let placed = try harness.create(["side": "Buy", "orderType": "Market", "qty": "2.000", "orderLinkId": "walk-1"])
        let order = try #require(harness.order(placed["orderId"]!))
        #expect(order.status == .filled && order.cumExecQty == 2000)
        #expect(placed["orderLinkId"] == "walk-1")

        let executions = harness.items("execution")
        #expect(executions.count > 1, "2 BTC spans several levels of 0.001...0.2 BTC")
        let prices = executions.map { harness.instrument.parseTicks($0["execPrice"]!)! }
        #expect(prices == prices.sorted() && prices.first == last + 1 && prices.last! > last + 1)
        #expect(executions.allSatisfy { $0["isMaker"] == "false" && $0["execType"] == "Trade" && $0["feeRate"] == "0.00055" })

        // Fee: 0.055 % of each execution's value, charged in USDT.
        let values = executions.map { harness.instrument.value(qty: harness.instrument.parseQuantity($0["execQty"]!)!, ticks: harness.instrument.parseTicks($0["execPrice"]!)!) }
        let fees = values.map { applying(FixedPoint.rate("0.00055"), to: $0) }
        #expect(executions.map { $0["execFee"]! } == fees.map(USDT.string))
        let account = harness.account()
        #expect(account.walletBalance == 100_000 * 100_000_000 - fees.reduce(0, +))
        let position = try #require(harness.position())
        #expect(position.size == 2000 && position.entryNotional == prices.indices.reduce(Int128(0)) {
            $0 + harness.instrument.notional(qty: harness.instrument.parseQuantity(executions[$1]["execQty"]!)!, ticks: prices[$1])
        })
        #expect(position.cumRealisedPnl == -fees.reduce(0, +))

        // Events: execution before order before position before wallet.
        let topics = harness.events.map(\.topic)
        #expect(topics.firstIndex(of: "execution")! < topics.firstIndex(of: "order")!)
        #expect(topics.suffix(2) == ["position", "wallet"])
        #expect(harness.items("order").last?["orderStatus"] == "Filled")
        #expect(harness.items("position").last?["size"] == "2.000")
    }

    @Test func marketQuantityAboveTheMarketMaximumIsRefused() {
        let harness = TradingHarness()
        let reject = rejectMessage { try harness.create(["side": "Buy", "orderType": "Market", "qty": "119.001"]) }
        #expect(reject?.code == 10001 && reject?.message.contains("maximum 119.000") == true)
    }

    @Test func restingLimitFillsAsMakerWhenTheLastPriceReachesIt() throws {
        let harness = TradingHarness()
        let last = harness.last()
        let price = last - 150
        let placed = try harness.create(["side": "Buy", "orderType": "Limit", "qty": "0.100", "price": harness.instrument.price(ticks: price)])
        let id = placed["orderId"]!
        #expect(harness.order(id)?.status == .new)
        let wallet = harness.account().walletBalance
        #expect(harness.engine.withLedger { $0.walletSummary(TradingHarness.key, at: start).orderIM } > 0)

        let reached = try #require(harness.firstInstant { $0 <= price })
        harness.engine.advance(to: reached.adding(milliseconds: -1))
        #expect(harness.order(id)?.status == .new)
        harness.engine.advance(to: reached)
        let order = try #require(harness.order(id))
        #expect(order.status == .filled && order.updatedTime == reached)
        let execution = try #require(harness.items("execution").last)
        #expect(execution["isMaker"] == "true" && execution["execPrice"] == harness.instrument.price(ticks: price))
        let fee = applying(FixedPoint.rate("0.0002"), to: harness.instrument.value(qty: 100, ticks: price))
        #expect(execution["execFee"] == USDT.string(fee))
        #expect(harness.account().walletBalance == wallet - fee)
    }

    @Test func postOnlyThatWouldTakeIsCancelled() throws {
        let harness = TradingHarness()
        let last = harness.last()
        let crossing = try harness.create(["side": "Buy", "orderType": "Limit", "timeInForce": "PostOnly", "qty": "0.010", "price": harness.instrument.price(ticks: last + 5)])
        let order = try #require(harness.order(crossing["orderId"]!))
        #expect(order.status == .cancelled && order.rejectReason == "EC_PostOnlyWillTakeLiquidity" && order.cumExecQty == 0)
        #expect(harness.position() == nil)

        let resting = try harness.create(["side": "Sell", "orderType": "Limit", "timeInForce": "PostOnly", "qty": "0.010", "price": harness.instrument.price(ticks: last + 5)])
        #expect(harness.order(resting["orderId"]!)?.status == .new)
    }

    @Test func immediateOrCancelTakesWhatCrossesAndCancelsTheRest() throws {
        let harness = TradingHarness()
        let last = harness.last()
        let levels = harness.engine.withLedger { $0.takerLevels(harness.btc, side: .buy, at: start) }
        let available = levels.prefix(2).reduce(0) { $0 + $1.sizeUnits }
        let placed = try harness.create(["side": "Buy", "orderType": "Limit", "timeInForce": "IOC", "qty": "5.000", "price": harness.instrument.price(ticks: last + 2)])
        let order = try #require(harness.order(placed["orderId"]!))
        #expect(order.cumExecQty == available && order.status == .partiallyFilledCanceled && order.leavesQty == 0)
    }

    @Test func fillOrKillFillsWhollyOrNotAtAll() throws {
        let harness = TradingHarness()
        let last = harness.last()
        let killed = try harness.create(["side": "Buy", "orderType": "Limit", "timeInForce": "FOK", "qty": "5.000", "price": harness.instrument.price(ticks: last + 2)])
        #expect(harness.order(killed["orderId"]!)?.status == .cancelled)
        #expect(harness.position() == nil)
        let filled = try harness.create(["side": "Buy", "orderType": "Limit", "timeInForce": "FOK", "qty": "0.001", "price": harness.instrument.price(ticks: last + 2)])
        #expect(harness.order(filled["orderId"]!)?.status == .filled)
    }

    @Test func reduceOnlyNeverIncreasesAPosition() throws {
        let harness = TradingHarness()
        #expect(rejectCode { try harness.create(["side": "Sell", "orderType": "Market", "qty": "0.010", "reduceOnly": "true"]) } == 110017)
        _ = try harness.create(["side": "Buy", "orderType": "Market", "qty": "0.010"])
        #expect(rejectCode { try harness.create(["side": "Buy", "orderType": "Market", "qty": "0.010", "reduceOnly": "true"]) } == 110017)
        // A reduce-only order larger than the position only closes it.
        let close = try harness.create(["side": "Sell", "orderType": "Market", "qty": "0.050", "reduceOnly": "true"])
        let order = try #require(harness.order(close["orderId"]!))
        #expect(order.cumExecQty == 10 && order.status == .partiallyFilledCanceled)
        #expect(harness.position()?.size == 0)
    }

    @Test func everyRejectCarriesBybitsCode() throws {
        let harness = TradingHarness()
        let last = harness.last()
        let market = ["side": "Buy", "orderType": "Market"]
        func with(_ extra: [String: String]) -> [String: String] { market.merging(extra) { $1 } }
        let offStep = rejectMessage { try harness.create(with(["qty": "0.0005"])) }
        #expect(offStep?.code == 10001 && offStep?.message.contains("qtyStep 0.001") == true)
        let belowMinimum = rejectMessage { try harness.create(with(["qty": "0"])) }
        #expect(belowMinimum?.code == 10001 && belowMinimum?.message.contains("minOrderQty") == true)
        let offTick = rejectMessage { try harness.create(["side": "Buy", "orderType": "Limit", "qty": "0.010", "price": "60000.05"]) }
        #expect(offTick?.code == 10001 && offTick?.message.contains("tickSize 0.10") == true)
        let aboveMaxPrice = rejectMessage { try harness.create(["side": "Buy", "orderType": "Limit", "qty": "0.010", "price": "99999999.90"]) }
        #expect(aboveMaxPrice?.code == 10001 && aboveMaxPrice?.message.contains("price filter") == true)
        #expect(rejectCode { try harness.create(["symbol": "XRPUSDT", "side": "Buy", "orderType": "Market", "qty": "1"]) } == 110094)
        #expect(rejectCode { try harness.create(with(["qty": "100.000"])) } == 110007)
        #expect(rejectCode { try harness.create(with(["qty": "0.010", "positionIdx": "1"])) } == 10001)
        #expect(rejectCode { try harness.create(with(["qty": "0.010", "side": "Long"])) } == 10001)
        _ = try harness.create(with(["qty": "0.010", "orderLinkId": "once"]))
        #expect(rejectCode { try harness.create(with(["qty": "0.010", "orderLinkId": "once"])) } == 110072)
        #expect(rejectCode { try harness.create(with(["qty": "0.010", "orderLinkId": String(repeating: "x", count: 37)])) } == 10001)
        // A long's take-profit must lie above the price, its stop-loss below.
        #expect(rejectCode { try harness.create(with(["qty": "0.010", "takeProfit": harness.instrument.price(ticks: last - 100)])) } == 10001)
        #expect(rejectCode { try harness.create(with(["qty": "0.010", "stopLoss": harness.instrument.price(ticks: last + 100)])) } == 10001)

        let cancel = RequestFields(query: ["category": "linear", "symbol": "BTCUSDT", "orderId": "no-such-order"])
        #expect(rejectCode { _ = try harness.engine.cancelOrder(TradingHarness.key, cancel, at: start) } == 110001)
    }

    @Test func cancelClosesAnOpenOrderOnceAndReleasesItsMargin() throws {
        let harness = TradingHarness()
        let placed = try harness.create(["side": "Buy", "orderType": "Limit", "qty": "0.100", "price": harness.instrument.price(ticks: harness.last() - 500), "orderLinkId": "c-1"])
        let available = harness.engine.withLedger { $0.availableBalance(TradingHarness.key, at: start) }
        #expect(available < 100_000 * 100_000_000)
        let cancel = RequestFields(query: ["category": "linear", "symbol": "BTCUSDT", "orderLinkId": "c-1"])
        let reply = TradingHarness.flatten(try harness.engine.cancelOrder(TradingHarness.key, cancel, at: start))
        #expect(reply["orderId"] == placed["orderId"])
        #expect(harness.order(placed["orderId"]!)?.status == .cancelled)
        #expect(harness.engine.withLedger { $0.availableBalance(TradingHarness.key, at: start) } == 100_000 * 100_000_000)
        #expect(rejectCode { _ = try harness.engine.cancelOrder(TradingHarness.key, cancel, at: start) } == 110001)
    }
}

/// The refusal `body` ends with, or nil if it succeeds (any other error fails the test).
func rejectMessage(_ body: () throws -> Any) -> SimulatorReject? {
    do {
        _ = try body()
        return nil
    } catch let reject as SimulatorReject {
        return reject
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

func rejectCode(_ body: () throws -> Any) -> Int? {
    rejectMessage(body)?.code
}
