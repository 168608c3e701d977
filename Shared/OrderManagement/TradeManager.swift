import Core

/// Where a trade is, persisted between looks (by execution, under the symbol's lock).
public struct TradeState: Sendable, Hashable, Codable {
    public enum Phase: String, Sendable, Hashable, Codable {
        /// The entry is working.
        case entering
        /// The position is open and managed: ladder, break-even, trailing, time exit.
        case open
        /// An exit is under way (operator close, strategy exit, time exit): nothing new is placed.
        case closing
        /// Done; `closeReason` says how.
        case closed
    }

    public var phase: Phase
    public let placedAt: Timestamp
    /// The venue time of the last entry fill.
    public var openedAt: Timestamp?
    /// What the entry filled (the plan's quantity unless a limit entry timed out part-filled).
    public var entryFilled: Quantity = .zero
    /// The venue trailing distance, fixed when trailing starts.
    public var trailingDistance: Price?
    /// The best price since client-side trailing started.
    public var bestPrice: Price?
    /// The venue refused its trailing stop: Keel trails instead.
    public var trailingOnClient = false
    public var closeReason: String?

    public init(placedAt: Timestamp) {
        phase = .entering
        self.placedAt = placedAt
    }
}

/// The trade's logic, level-triggered: given the plan, the saved state and the facts, what the
/// venue should be told now. The same facts always give the same actions, and every action is
/// idempotent (orders have ids derived from the intent; stops are set, not shifted), so a crash
/// between deciding and acting is repaired by looking again.
public enum TradeManager {
    public static func evaluate(_ plan: TradePlan, _ state: inout TradeState, _ facts: TradeFacts) throws -> [TradeAction] {
        switch state.phase {
        case .entering:
            if let actions = try entering(plan, &state, facts) { return actions }
            return try state.phase == .open ? open(plan, &state, facts) : []
        case .open:
            return try open(plan, &state, facts)
        case .closing:
            return closing(plan, &state, facts)
        case .closed:
            return cancelWorkingSteps(plan, facts, reason: "trade closed")
        }
    }

    /// An exit was approved for the trade's symbol (strategy exit, operator close or flatten):
    /// the ladder comes off and nothing new goes on.
    public static func beginClosing(_ state: inout TradeState, reason: String) {
        guard state.phase != .closed else { return }
        state.phase = .closing
        state.closeReason = reason
    }

    // MARK: - Entering

    /// The entry's actions while it works, or nil once it is done (`state` then moved on).
    static func entering(_ plan: TradePlan, _ state: inout TradeState, _ facts: TradeFacts) throws -> [TradeAction]? {
        guard let entry = facts.orders[plan.entryID], entry.status != nil else { return [] }
        let atMarket = facts.orders[plan.entryAtMarketID]
        let filled = try entry.filledQuantity + (atMarket?.filledQuantity ?? .zero)
        let expired = plan.expiresAt.map { facts.now >= $0 } ?? false
        if case .limit(_, _, let timeoutMs, let onTimeout) = plan.entry {
            let timedOut = facts.now >= state.placedAt.adding(milliseconds: timeoutMs)
            if entry.isWorking {
                if timedOut { return [.cancel(clientOrderID: plan.entryID, reason: "limit entry timed out")] }
                if expired, filled.isZero { return [.cancel(clientOrderID: plan.entryID, reason: "intent expired")] }
                return []
            }
            let rest = try (plan.quantity - filled).rounded(toStep: plan.quantityStep, mode: .down)
            if needsPlacing(atMarket), onTimeout == .market, timedOut, !expired, rest.isPositive {
                return [.place(TradeOrder(
                    clientOrderID: plan.entryAtMarketID, role: .entry, side: plan.side, quantity: rest, kind: .market,
                    reduceOnly: false))]
            }
            if atMarket?.isWorking ?? false { return [] }
            // A limit entry that stopped early (a post-only refusal) may still convert later.
            if atMarket == nil, onTimeout == .market, !timedOut, !expired, rest.isPositive, filled.isZero { return [] }
        } else if entry.isWorking {
            return []
        }
        state.entryFilled = filled
        state.openedAt = [entry.updatedAt, atMarket?.updatedAt].compactMap { $0 }.max()
        if filled.isZero {
            state.phase = .closed
            state.closeReason = expired ? "intent expired unfilled" : "entry not filled (\(entry.status!.rawValue))"
            return []
        }
        state.phase = .open
        return nil
    }

    // MARK: - Open

    static func open(_ plan: TradePlan, _ state: inout TradeState, _ facts: TradeFacts) throws -> [TradeAction] {
        guard let position = facts.position else { return [] }
        if let closed = closedOnVenue(state, position) {
            state.phase = .closed
            state.closeReason = closed
            return cancelWorkingSteps(plan, facts, reason: "position closed")
        }
        guard position.side == plan.side else { return [] }
        var actions: [TradeAction] = []
        let steps = try ladder(plan, filled: state.entryFilled)
        for (index, step) in steps.enumerated() where needsPlacing(facts.orders[plan.stepID(index)]) && step.quantity.isPositive {
            actions.append(.place(TradeOrder(
                clientOrderID: plan.stepID(index), role: .takeProfit, side: plan.side.opposite, quantity: step.quantity,
                kind: .limit(step.price, postOnly: false), reduceOnly: true)))
        }
        let stepsFilled = steps.indices.filter { facts.orders[plan.stepID($0)]?.status == .filled }.count

        if let maxHolding = plan.maxHoldingMs, let openedAt = state.openedAt, facts.now >= openedAt.adding(milliseconds: maxHolding) {
            beginClosing(&state, reason: "time exit: held \(maxHolding / 1000) s")
            return cancelWorkingSteps(plan, facts, reason: "time exit") + [timeExit(plan, size: position.size)]
        }

        var stop = plan.stopLoss
        var why = "initial stop"
        if plan.breakEvenAfterStep > 0, stepsFilled >= plan.breakEvenAfterStep {
            stop = try position.averageEntryPrice.rounded(toTick: plan.priceTick, mode: plan.side == .buy ? .up : .down)
            why = "break-even after take-profit \(plan.breakEvenAfterStep)"
        }
        if let trailing = plan.trailing, stepsFilled >= trailing.afterTarget {
            switch state.trailingOnClient ? .client : trailing.venue {
            case .exchange:
                if position.trailingStop == nil {
                    let distance = try state.trailingDistance ?? trailingDistance(trailing.offset, at: position.markPrice ?? position.averageEntryPrice, tick: plan.priceTick)
                    state.trailingDistance = distance
                    actions.append(.setTrailingStop(distance: distance))
                }
            case .client:
                if let mark = position.markPrice {
                    let best = state.bestPrice.map { plan.side == .buy ? max($0, mark) : min($0, mark) } ?? mark
                    state.bestPrice = best
                    let distance = try trailingDistance(trailing.offset, at: best, tick: plan.priceTick)
                    let trailed = Price(try plan.side == .buy ? best.value - distance.value : best.value + distance.value)
                    if isTighter(trailed, than: stop, side: plan.side) {
                        stop = trailed
                        why = "trailing \(distance) behind \(best)"
                    }
                }
            }
        }
        if position.stopLoss.map({ isTighter(stop, than: $0, side: plan.side) }) ?? true {
            actions.append(.setStopLoss(stop, reason: why))
        }
        return actions
    }

    /// An order not yet recorded, or recorded but never answered (a crash between recording and
    /// sending): placing it (again, under the same id) is safe.
    static func needsPlacing(_ order: OrderFacts?) -> Bool {
        order == nil || order?.status == nil
    }

    static func closing(_ plan: TradePlan, _ state: inout TradeState, _ facts: TradeFacts) -> [TradeAction] {
        guard let position = facts.position else { return cancelWorkingSteps(plan, facts, reason: state.closeReason ?? "closing") }
        if closedOnVenue(state, position) != nil {
            state.phase = .closed
        }
        var actions = cancelWorkingSteps(plan, facts, reason: state.closeReason ?? "closing")
        // A time exit recorded but never answered (a crash in between) is sent again.
        if let exit = facts.orders[plan.timeExitID], exit.status == nil, position.size.isPositive {
            actions.append(timeExit(plan, size: position.size))
        }
        return actions
    }

    static func timeExit(_ plan: TradePlan, size: Quantity) -> TradeAction {
        .place(TradeOrder(
            clientOrderID: plan.timeExitID, role: .exit, side: plan.side.opposite, quantity: size, kind: .market, reduceOnly: true))
    }

    /// Why the position is gone, when the venue reports it flat after the entry filled.
    static func closedOnVenue(_ state: TradeState, _ position: PositionFacts) -> String? {
        guard position.size.isZero, let openedAt = state.openedAt, position.updatedAt >= openedAt else { return nil }
        return "position closed on the venue"
    }

    static func cancelWorkingSteps(_ plan: TradePlan, _ facts: TradeFacts, reason: String) -> [TradeAction] {
        plan.ladder.indices.compactMap { index in
            let id = plan.stepID(index)
            guard let order = facts.orders[id], order.status != nil, order.isWorking else { return nil }
            return .cancel(clientOrderID: id, reason: reason)
        }
    }

    /// The ladder for what the entry filled: as planned when it filled in full, otherwise each
    /// step scaled down to the quantity step (the venue's TP/SL still covers any remainder).
    static func ladder(_ plan: TradePlan, filled: Quantity) throws -> [LadderStep] {
        guard filled != plan.quantity else { return plan.ladder }
        return try plan.ladder.map { step in
            let scaled = try step.quantity.value.multiplied(by: filled.value).divided(
                by: plan.quantity.value, scale: step.quantity.scale, rounding: .down)
            return LadderStep(price: step.price, quantity: try Quantity(scaled).rounded(toStep: plan.quantityStep, mode: .down))
        }
    }

    /// The trailing distance at `price`, at least one tick.
    static func trailingDistance(_ offset: TrailingRule.Offset, at price: Price, tick: Price) throws -> Price {
        let raw: Price = switch offset {
        case .distance(let distance): distance
        case .fraction(let fraction): Price(try price.value.multiplied(by: fraction))
        }
        let rounded = try raw.rounded(toTick: tick, mode: .nearest)
        return rounded.isPositive ? rounded : tick
    }

    /// Whether `stop` is closer to the price than `current` (a higher stop for a long).
    static func isTighter(_ stop: Price, than current: Price, side: Side) -> Bool {
        side == .buy ? stop > current : stop < current
    }
}
