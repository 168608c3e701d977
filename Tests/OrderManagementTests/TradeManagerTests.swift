import Core
import OrderManagement
import Testing

@Suite("Trade manager")
struct TradeManagerTests {
    static func plan(
        entry: EntryPlan = .market, breakEven: Int = 1, trailing: TrailingPlan? = nil, maxHoldingMs: Int64? = nil,
        expiresAt: Timestamp? = nil
    ) -> TradePlan {
        TradePlan(
            intentID: "intent-1", symbol: btc, side: .buy, quantity: qty("1.0"), entry: entry, stopLoss: price("95"),
            ladder: [LadderStep(price: price("105"), quantity: qty("0.5")), LadderStep(price: price("110"), quantity: qty("0.5"))],
            breakEvenAfterStep: breakEven, trailing: trailing, expiresAt: expiresAt, maxHoldingMs: maxHoldingMs,
            priceTick: price("0.1"), quantityStep: qty("0.1"))
    }

    static func position(
        _ size: String = "1.0", entry: String = "100.04", stop: String? = "95", trailing: String? = nil, mark: String = "101",
        updatedAt: Int64 = 1_000
    ) -> PositionFacts {
        PositionFacts(
            side: size == "0" ? nil : .buy, size: qty(size), averageEntryPrice: price(entry), stopLoss: stop.map(price),
            trailingStop: trailing.map(price), markPrice: price(mark), updatedAt: at(updatedAt))
    }

    static func order(_ status: OrderStatus?, _ filled: String = "0", at time: Int64 = 1_000) -> OrderFacts {
        OrderFacts(status: status, filledQuantity: qty(filled), updatedAt: status == nil ? nil : at(time))
    }

    /// A trade whose entry filled in full at 1 s.
    static func openState() -> TradeState {
        var state = TradeState(placedAt: at(0))
        state.phase = .open
        state.openedAt = at(1_000)
        state.entryFilled = qty("1.0")
        return state
    }

    static func places(_ actions: [TradeAction]) -> [TradeOrder] {
        actions.compactMap { if case .place(let order) = $0 { order } else { nil } }
    }

    @Test("a filled market entry opens the trade and puts the ladder on as reduce-only limits")
    func ladderAfterEntry() throws {
        let plan = Self.plan()
        var state = TradeState(placedAt: at(0))
        #expect(try TradeManager.evaluate(plan, &state, TradeFacts(now: at(500), orders: [plan.entryID: Self.order(nil)], position: nil)).isEmpty,
                "nothing while the entry is being sent")
        let facts = TradeFacts(now: at(1_100), orders: [plan.entryID: Self.order(.filled, "1.0")], position: Self.position())
        let actions = try TradeManager.evaluate(plan, &state, facts)
        #expect(state.phase == .open && state.openedAt == at(1_000) && state.entryFilled == qty("1.0"))
        let orders = Self.places(actions)
        #expect(orders.map(\.clientOrderID) == [plan.stepID(0), plan.stepID(1)])
        #expect(orders.allSatisfy { $0.reduceOnly && $0.side == .sell && $0.quantity == qty("0.5") })
        #expect(orders.map(\.kind) == [.limit(price("105"), postOnly: false), .limit(price("110"), postOnly: false)])
        #expect(!actions.contains { if case .setStopLoss = $0 { true } else { false } }, "the venue already holds the stop")
    }

    @Test("after the first step fills the stop moves to the entry, rounded to the tick on the safe side, once")
    func breakEven() throws {
        let plan = Self.plan()
        var state = Self.openState()
        var orders = [plan.entryID: Self.order(.filled, "1.0"), plan.stepID(0): Self.order(.filled, "0.5", at: 2_000),
                      plan.stepID(1): Self.order(.new)]
        let actions = try TradeManager.evaluate(plan, &state, TradeFacts(now: at(2_100), orders: orders, position: Self.position("0.5")))
        #expect(actions == [.setStopLoss(price("100.1"), reason: "break-even after take-profit 1")])
        let moved = try TradeManager.evaluate(plan, &state, TradeFacts(now: at(2_200), orders: orders, position: Self.position("0.5", stop: "100.1")))
        #expect(moved.isEmpty, "nothing to do once the venue holds the break-even stop")
        orders[plan.stepID(1)] = Self.order(.filled, "0.5", at: 3_000)
        _ = try TradeManager.evaluate(plan, &state, TradeFacts(now: at(3_100), orders: orders, position: Self.position("0", stop: nil, updatedAt: 3_000)))
        #expect(state.phase == .closed && state.closeReason == "position closed on the venue")
    }

    @Test("the venue's trailing stop starts after its step, at a distance fixed then")
    func exchangeTrailing() throws {
        let plan = Self.plan(breakEven: 0, trailing: TrailingPlan(offset: .fraction(try FixedPoint(parsing: "0.01")), afterTarget: 1, venue: .exchange))
        var state = Self.openState()
        var orders = [plan.entryID: Self.order(.filled, "1.0"), plan.stepID(0): Self.order(.new), plan.stepID(1): Self.order(.new)]
        #expect(try TradeManager.evaluate(plan, &state, TradeFacts(now: at(1_500), orders: orders, position: Self.position())).isEmpty)
        orders[plan.stepID(0)] = Self.order(.filled, "0.5", at: 2_000)
        let actions = try TradeManager.evaluate(plan, &state, TradeFacts(now: at(2_100), orders: orders, position: Self.position("0.5", mark: "105.04")))
        #expect(actions == [.setTrailingStop(distance: price("1.1"))])
        #expect(try TradeManager.evaluate(plan, &state, TradeFacts(now: at(2_200), orders: orders, position: Self.position("0.5", trailing: "1.1"))).isEmpty)
    }

    @Test("client-side trailing moves the stop after the best price and never back")
    func clientTrailing() throws {
        let plan = Self.plan(breakEven: 0, trailing: TrailingPlan(offset: .distance(price("2")), afterTarget: 0, venue: .client))
        var state = Self.openState()
        let orders = [plan.entryID: Self.order(.filled, "1.0"), plan.stepID(0): Self.order(.new), plan.stepID(1): Self.order(.new)]
        func look(mark: String, stop: String) throws -> [TradeAction] {
            try TradeManager.evaluate(plan, &state, TradeFacts(now: at(2_000), orders: orders, position: Self.position(stop: stop, mark: mark)))
        }
        #expect(try look(mark: "96", stop: "95").isEmpty, "96 − 2 is below the stop")
        #expect(try look(mark: "103", stop: "95") == [.setStopLoss(price("101"), reason: "trailing 2.0 behind 103")])
        #expect(try look(mark: "102", stop: "101").isEmpty, "the best price stays 103")
        #expect(state.bestPrice == price("103"))
        #expect(try look(mark: "104.5", stop: "101") == [.setStopLoss(price("102.5"), reason: "trailing 2.0 behind 104.5")])
    }

    @Test("when the venue refused its trailing stop, Keel trails the stop-loss itself")
    func trailingFallback() throws {
        let plan = Self.plan(breakEven: 0, trailing: TrailingPlan(offset: .distance(price("2")), afterTarget: 0, venue: .exchange))
        var state = Self.openState()
        let orders = [plan.entryID: Self.order(.filled, "1.0"), plan.stepID(0): Self.order(.new), plan.stepID(1): Self.order(.new)]
        #expect(try TradeManager.evaluate(plan, &state, TradeFacts(now: at(2_000), orders: orders, position: Self.position(mark: "103")))
                == [.setTrailingStop(distance: price("2.0"))])
        state.trailingOnClient = true
        #expect(try TradeManager.evaluate(plan, &state, TradeFacts(now: at(2_100), orders: orders, position: Self.position(mark: "103")))
                == [.setStopLoss(price("101"), reason: "trailing 2.0 behind 103")])
    }

    @Test("a limit entry that times out part-filled is cancelled, the rest taken at the market, the ladder scaled to the fill")
    func limitTimeout() throws {
        let plan = Self.plan(entry: .limit(price: price("99.5"), postOnly: true, timeoutMs: 60_000, onTimeout: .market))
        var state = TradeState(placedAt: at(0))
        var orders = [plan.entryID: Self.order(.partiallyFilled, "0.4", at: 10_000)]
        #expect(try TradeManager.evaluate(plan, &state, TradeFacts(now: at(59_999), orders: orders, position: nil)).isEmpty)
        #expect(try TradeManager.evaluate(plan, &state, TradeFacts(now: at(60_000), orders: orders, position: nil))
                == [.cancel(clientOrderID: plan.entryID, reason: "limit entry timed out")])
        orders[plan.entryID] = Self.order(.cancelled, "0.4", at: 60_010)
        let rest = Self.places(try TradeManager.evaluate(plan, &state, TradeFacts(now: at(60_020), orders: orders, position: nil)))
        #expect(rest.map(\.clientOrderID) == [plan.entryAtMarketID] && rest.first?.quantity == qty("0.6") && rest.first?.kind == .market)
        #expect(state.phase == .entering)

        // Cancel instead: the 0.4 that filled is the position, and the ladder shrinks to it.
        let cancelling = Self.plan(entry: .limit(price: price("99.5"), postOnly: true, timeoutMs: 60_000, onTimeout: .cancel))
        var other = TradeState(placedAt: at(0))
        let steps = Self.places(try TradeManager.evaluate(cancelling, &other, TradeFacts(
            now: at(60_020), orders: [cancelling.entryID: Self.order(.cancelled, "0.4", at: 60_010)], position: Self.position("0.4", updatedAt: 60_010))))
        #expect(other.phase == .open && other.entryFilled == qty("0.4"))
        #expect(steps.map(\.quantity) == [qty("0.2"), qty("0.2")])
    }

    @Test("an unfilled limit entry is cancelled when its intent expires, and the trade ends unfilled")
    func expiry() throws {
        let plan = Self.plan(entry: .limit(price: price("99.5"), postOnly: false, timeoutMs: 600_000, onTimeout: .market), expiresAt: at(30_000))
        var state = TradeState(placedAt: at(0))
        #expect(try TradeManager.evaluate(plan, &state, TradeFacts(now: at(30_000), orders: [plan.entryID: Self.order(.new)], position: nil))
                == [.cancel(clientOrderID: plan.entryID, reason: "intent expired")])
        #expect(try TradeManager.evaluate(plan, &state, TradeFacts(now: at(30_100), orders: [plan.entryID: Self.order(.cancelled, at: 30_050)], position: nil)).isEmpty)
        #expect(state.phase == .closed && state.closeReason == "intent expired unfilled")
    }

    @Test("a position held past the limit is closed at the market with the ladder taken off; a crash before it was sent re-sends it")
    func timeExit() throws {
        let plan = Self.plan(maxHoldingMs: 3_600_000)
        var state = Self.openState()
        var orders = [plan.entryID: Self.order(.filled, "1.0"), plan.stepID(0): Self.order(.new), plan.stepID(1): Self.order(.new)]
        let actions = try TradeManager.evaluate(plan, &state, TradeFacts(now: at(3_601_000), orders: orders, position: Self.position()))
        #expect(actions.prefix(2) == [.cancel(clientOrderID: plan.stepID(0), reason: "time exit"), .cancel(clientOrderID: plan.stepID(1), reason: "time exit")])
        #expect(Self.places(actions).map(\.clientOrderID) == [plan.timeExitID] && Self.places(actions).first?.reduceOnly == true)
        #expect(state.phase == .closing)
        orders[plan.stepID(0)] = Self.order(.cancelled, at: 3_601_100)
        orders[plan.stepID(1)] = Self.order(.cancelled, at: 3_601_100)
        orders[plan.timeExitID] = Self.order(nil)
        #expect(Self.places(try TradeManager.evaluate(plan, &state, TradeFacts(now: at(3_602_000), orders: orders, position: Self.position()))).map(\.clientOrderID) == [plan.timeExitID])
    }

    @Test("an exit approval stops the ladder; a ladder step recorded but never answered is placed again")
    func closingAndReplacing() throws {
        let plan = Self.plan()
        var state = Self.openState()
        let orders = [plan.entryID: Self.order(.filled, "1.0"), plan.stepID(0): Self.order(nil), plan.stepID(1): Self.order(.new)]
        #expect(Self.places(try TradeManager.evaluate(plan, &state, TradeFacts(now: at(2_000), orders: orders, position: Self.position()))).map(\.clientOrderID) == [plan.stepID(0)])
        TradeManager.beginClosing(&state, reason: "operator close")
        #expect(try TradeManager.evaluate(plan, &state, TradeFacts(now: at(2_100), orders: orders, position: Self.position()))
                == [.cancel(clientOrderID: plan.stepID(1), reason: "operator close")])
    }
}
