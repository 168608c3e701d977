import Core
@testable import ExchangeSimulator
import Testing

/// Positions over time: TP/SL, trailing and conditional triggers, funding, liquidation, leverage.
@Suite("Simulator matching engine: positions")
struct SimulatorTradingPositionTests {
    let start = TradingHarness.start

    func tradingStop(_ harness: TradingHarness, _ fields: [String: String], at time: Timestamp? = nil) throws(SimulatorReject) {
        let all = fields.merging(["category": "linear", "symbol": "BTCUSDT", "positionIdx": "0", "tpslMode": "Full"]) { $1 }
        _ = try harness.engine.tradingStop(TradingHarness.key, RequestFields(query: all), at: time ?? start)
    }

    func setLeverage(_ harness: TradingHarness, _ buy: String, _ sell: String? = nil) throws(SimulatorReject) {
        let fields = ["category": "linear", "symbol": "BTCUSDT", "buyLeverage": buy, "sellLeverage": sell ?? buy]
        _ = try harness.engine.setLeverage(TradingHarness.key, RequestFields(query: fields), at: start)
    }

    @Test func attachedTakeProfitClosesTheLongWhenReached() throws {
        let harness = TradingHarness()
        let last = harness.last()
        let target = last + 1500
        _ = try harness.create(["side": "Buy", "orderType": "Market", "qty": "0.100", "takeProfit": harness.instrument.price(ticks: target)])
        #expect(harness.position()?.takeProfit == target)
        let reached = try #require(harness.firstInstant { $0 >= target })
        harness.engine.advance(to: reached.adding(milliseconds: -1))
        #expect(harness.position()?.size == 100)
        harness.engine.advance(to: reached)
        #expect(harness.position()?.size == 0 && harness.position()?.takeProfit == nil)
        let close = try #require(harness.items("order").last)
        #expect(close["stopOrderType"] == "TakeProfit" && close["orderStatus"] == "Filled" && close["reduceOnly"] == "true")
        #expect(harness.position()!.cumRealisedPnl > 0)
    }

    @Test func stopLossSetByTradingStopClosesTheLong() throws {
        let harness = TradingHarness()
        let last = harness.last()
        _ = try harness.create(["side": "Buy", "orderType": "Market", "qty": "0.100"])
        let stop = last - 300
        try tradingStop(harness, ["stopLoss": harness.instrument.price(ticks: stop)])
        let reached = try #require(harness.firstInstant { $0 <= stop })
        harness.engine.advance(to: reached)
        #expect(harness.position()?.size == 0)
        #expect(harness.items("order").last?["stopOrderType"] == "StopLoss")
        // "0" cancels: a new position carries no stop.
        _ = try harness.create(["side": "Buy", "orderType": "Market", "qty": "0.100"], at: reached)
        try tradingStop(harness, ["stopLoss": harness.instrument.price(ticks: stop - 1000)], at: reached)
        try tradingStop(harness, ["stopLoss": "0"], at: reached)
        #expect(harness.position()?.stopLoss == nil)
    }

    @Test func trailingStopFollowsTheHighAndClosesOnTheRetreat() throws {
        let harness = TradingHarness()
        _ = try harness.create(["side": "Buy", "orderType": "Market", "qty": "0.100"])
        let distance: Int64 = 400
        try tradingStop(harness, ["trailingStop": harness.instrument.price(ticks: distance)])
        #expect(harness.position()?.trailing?.distance == distance)
        // The expected trigger: the first minute whose price is `distance` below the best since.
        var best = harness.last()
        let trigger = try #require(harness.firstInstant { price in
            best = max(best, price)
            return price <= best - distance
        })
        harness.engine.advance(to: trigger.adding(milliseconds: -60_000))
        #expect(harness.position()?.size == 100)
        harness.engine.advance(to: trigger)
        #expect(harness.position()?.size == 0)
        #expect(harness.items("order").last?["stopOrderType"] == "TrailingStop")
    }

    @Test func trailingStopWaitsForItsActivationPrice() throws {
        let harness = TradingHarness()
        let last = harness.last()
        _ = try harness.create(["side": "Buy", "orderType": "Market", "qty": "0.100"])
        let activation = last + 200
        try tradingStop(harness, ["trailingStop": harness.instrument.price(ticks: 50), "activePrice": harness.instrument.price(ticks: activation)])
        let activated = try #require(harness.firstInstant { $0 >= activation })
        harness.engine.advance(to: activated.adding(milliseconds: -1))
        #expect(harness.position()?.trailing?.extreme == nil)
        harness.engine.advance(to: activated)
        // Activated at that minute's price, which does not trigger it yet.
        #expect(harness.position()?.trailing?.extreme == harness.last(at: activated))
        #expect(harness.position()?.size == 100)
    }

    @Test func conditionalOrderWaitsUntriggeredThenExecutes() throws {
        let harness = TradingHarness()
        let trigger = harness.last() + 250
        let placed = try harness.create(["side": "Buy", "orderType": "Market", "qty": "0.050", "triggerPrice": harness.instrument.price(ticks: trigger), "triggerDirection": "1"])
        let id = placed["orderId"]!
        #expect(harness.order(id)?.status == .untriggered && harness.position() == nil)
        #expect(rejectCode { try harness.create(["side": "Buy", "orderType": "Market", "qty": "0.050", "triggerPrice": "70000.00"]) } == 10001)
        let passed = harness.instrument.price(ticks: harness.last() - 10)
        #expect(rejectCode { try harness.create(["side": "Buy", "orderType": "Market", "qty": "0.050", "triggerPrice": passed, "triggerDirection": "1"]) } == 110092)
        let above = harness.instrument.price(ticks: harness.last() + 10)
        #expect(rejectCode { try harness.create(["side": "Buy", "orderType": "Market", "qty": "0.050", "triggerPrice": above, "triggerDirection": "2"]) } == 110093)
        let reached = try #require(harness.firstInstant { $0 >= trigger })
        harness.engine.advance(to: reached.adding(milliseconds: -1))
        #expect(harness.order(id)?.status == .untriggered)
        harness.engine.advance(to: reached)
        #expect(harness.order(id)?.status == .filled && harness.position()?.size == 50)
        let statuses = harness.items("order").filter { $0["orderId"] == id }.map { $0["orderStatus"]! }
        #expect(statuses == ["Untriggered", "Triggered", "Filled"])
    }

    @Test func shortOpenedByARestingSellClosesOnItsStopLoss() throws {
        let harness = TradingHarness()
        let price = harness.last() + 200
        let sell = try harness.create(["side": "Sell", "orderType": "Limit", "qty": "0.200", "price": harness.instrument.price(ticks: price)])
        let filled = try #require(harness.firstInstant { $0 >= price })
        harness.engine.advance(to: filled)
        #expect(harness.order(sell["orderId"]!)?.status == .filled)
        #expect(harness.position()?.size == -200 && harness.items("execution").last?["isMaker"] == "true")
        // A short's stop-loss lies above the price.
        let now = harness.last(at: filled)
        #expect(rejectCode { try tradingStop(harness, ["stopLoss": harness.instrument.price(ticks: now - 100)], at: filled) } == 10001)
        let stop = now + 300
        try tradingStop(harness, ["stopLoss": harness.instrument.price(ticks: stop)], at: filled)
        let reached = try #require(harness.firstInstant(after: filled) { $0 >= stop })
        harness.engine.advance(to: reached)
        #expect(harness.position()?.size == 0)
        let close = try #require(harness.items("order").last)
        #expect(close["stopOrderType"] == "StopLoss" && close["side"] == "Buy")
    }

    @Test func conditionalLimitRestsOnceTriggeredAndCancelsAsDeactivated() throws {
        let harness = TradingHarness()
        let last = harness.last()
        let trigger = last - 200
        let placed = try harness.create([
            "side": "Buy", "orderType": "Limit", "qty": "0.050", "price": harness.instrument.price(ticks: trigger - 2000),
            "triggerPrice": harness.instrument.price(ticks: trigger), "triggerDirection": "2",
        ])
        let reached = try #require(harness.firstInstant { $0 <= trigger })
        harness.engine.advance(to: reached)
        let statuses = harness.items("order").filter { $0["orderId"] == placed["orderId"] }.map { $0["orderStatus"]! }
        #expect(statuses == ["Untriggered", "Triggered", "New"])

        let waiting = try harness.create(
            ["side": "Sell", "orderType": "Market", "qty": "0.050", "triggerPrice": harness.instrument.price(ticks: last - 5000), "triggerDirection": "2"],
            at: reached)
        let cancel = RequestFields(query: ["category": "linear", "symbol": "BTCUSDT", "orderId": waiting["orderId"]!])
        _ = try harness.engine.cancelOrder(TradingHarness.key, cancel, at: reached)
        #expect(harness.order(waiting["orderId"]!)?.status == .deactivated)
    }

    @Test func triggeredOrderTheAccountCannotAffordIsRejected() throws {
        let poor = SimulatedAccount(apiKey: "keel-sim-key", secret: Secret("s"), uid: 3, startingBalance: FixedPoint(integer: 1_000))
        let harness = TradingHarness(accounts: [poor])
        let trigger = harness.last() + 250
        // 1 BTC at 10x needs about 6,000 USDT of margin; the account holds 1,000.
        let placed = try harness.create(["side": "Buy", "orderType": "Market", "qty": "1.000", "triggerPrice": harness.instrument.price(ticks: trigger), "triggerDirection": "1"])
        let reached = try #require(harness.firstInstant { $0 >= trigger })
        harness.engine.advance(to: reached)
        let order = try #require(harness.order(placed["orderId"]!))
        #expect(order.status == .rejected && order.rejectReason == "EC_InsufficientBalance" && harness.position() == nil)
    }

    @Test func fundingEveryEightHoursLongsPayShortsWhenPositive() throws {
        let shortKey = SimulatedAccount(apiKey: "short-key", secret: Secret("s"), uid: 2, startingBalance: FixedPoint(integer: 100_000))
        let harness = TradingHarness(accounts: [.standard, shortKey])
        _ = try harness.create(["side": "Buy", "orderType": "Market", "qty": "1.000"])
        _ = try harness.create(["side": "Sell", "orderType": "Market", "qty": "1.000"], key: shortKey.apiKey)
        let longBefore = harness.account().walletBalance
        let shortBefore = harness.account(shortKey.apiKey).walletBalance
        let settlement = Timestamp(milliseconds: (start.milliseconds / 28_800_000 + 1) * 28_800_000)
        harness.engine.advance(to: settlement.adding(milliseconds: -1))
        #expect(harness.account().walletBalance == longBefore)

        harness.engine.advance(to: settlement.adding(milliseconds: 30_000))
        let rate = harness.market.fundingRate(harness.btc, at: settlement.adding(milliseconds: -1))
        #expect(rate.isPositive)
        let value = harness.instrument.value(qty: 1000, ticks: harness.last(at: settlement))
        let payment = applying(rate, to: value)
        #expect(payment > 0)
        #expect(harness.account().walletBalance == longBefore - payment)
        #expect(harness.account(shortKey.apiKey).walletBalance == shortBefore + payment)
        let funding = try #require(harness.items("execution").last { $0["execType"] == "Funding" })
        #expect(funding["execTime"] == String(settlement.milliseconds))

        // Only once per settlement.
        harness.engine.advance(to: settlement.adding(milliseconds: 7 * 3_600_000))
        #expect(harness.account().walletBalance == longBefore - payment)
    }

    @Test func liquidationClosesThePositionAtItsBankruptcyPrice() throws {
        let harness = TradingHarness()
        try setLeverage(harness, "100")
        _ = try harness.create(["side": "Buy", "orderType": "Market", "qty": "0.500"])
        let position = try #require(harness.position())
        let liquidation = try #require(position.liquidationTicks(maintenanceRate: FixedPoint.rate("0.005"), instrument: harness.instrument))
        let average = harness.instrument.ticks(notional: position.entryNotional, qty: position.quantity)
        // 100x with 0.5 % maintenance: liquidated about 0.5 % below entry.
        #expect(abs(liquidation - average * 995 / 1000) <= 1)
        let crossed = try #require(harness.firstInstant { $0 <= liquidation })
        harness.engine.advance(to: crossed.adding(milliseconds: -1))
        #expect(harness.position()?.size == 500)
        let wallet = harness.account().walletBalance
        harness.engine.advance(to: crossed)
        #expect(harness.position()?.size == 0)
        let bust = try #require(harness.items("execution").last)
        #expect(bust["execType"] == "BustTrade" && bust["execPrice"] == harness.instrument.price(ticks: position.bankruptcyTicks(instrument: harness.instrument)!))
        // The loss is the position's initial margin, within rounding.
        let loss = wallet - harness.account().walletBalance
        #expect(abs(loss - position.initialMargin(instrument: harness.instrument)) < 100_000_000)
    }

    @Test func leverageIsValidatedAndReportedUnchanged() throws {
        let harness = TradingHarness()
        #expect(rejectCode { try setLeverage(harness, "10") } == 110043, "10x is the default")
        #expect(rejectCode { try setLeverage(harness, "0.5") } == 10001)
        #expect(rejectCode { try setLeverage(harness, "101") } == 10001)
        #expect(rejectCode { try setLeverage(harness, "5", "6") } == 10001)
        try setLeverage(harness, "12.5")
        #expect(harness.position()?.leverage == 1250)
        #expect(harness.items("position").last?["leverage"] == "12.5")
        #expect(rejectCode { try setLeverage(harness, "12.50") } == 110043)
    }

    @Test func walletReportsEquityMarginAndAvailableBalance() throws {
        let harness = TradingHarness()
        _ = try harness.create(["side": "Buy", "orderType": "Market", "qty": "1.000"])
        let later = start.adding(milliseconds: 3_600_000)
        harness.engine.advance(to: later)
        let summary = harness.engine.withLedger { $0.walletSummary(TradingHarness.key, at: later) }
        let position = try #require(harness.position())
        let unrealised = position.unrealisedPnl(mark: harness.last(at: later), instrument: harness.instrument)
        #expect(summary.unrealisedPnl == unrealised)
        #expect(summary.equity == summary.walletBalance + unrealised)
        #expect(summary.positionIM == position.initialMargin(instrument: harness.instrument))
        #expect(summary.available == summary.equity - summary.positionIM)
        let wallet = TradingHarness.flatten(harness.engine.withLedger { $0.walletJSON(TradingHarness.key, at: later) })
        #expect(wallet["totalEquity"] == USDT.string(summary.equity))
        #expect(wallet["totalAvailableBalance"] == USDT.string(summary.available))
    }
}
