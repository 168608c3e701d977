import Core
import Exchange
import OrderManagement

extension ExecutionDesk {
    /// Moves the symbol's trades on, under its lock; when another holder has the symbol it is
    /// left to it (the next report or poll looks again).
    public func manage(_ symbol: Symbol) async throws {
        guard !(try await ledger.activeTrades(symbol: symbol)).isEmpty,
              let lease = try await locks.acquire(symbol: symbol.rawValue, ttl: settings.lockTTL, waitUpTo: .milliseconds(200))
        else { return }
        do {
            try await manageLocked(symbol, fence: lease.fencingToken)
        } catch {
            _ = try? await locks.release(lease)
            throw error
        }
        _ = try? await locks.release(lease)
    }

    /// Moves every trade that is not closed on (the periodic look: timeouts, time exits,
    /// client-side trailing).
    public func manageAllTrades() async throws {
        for symbol in try await ledger.symbolsWithActiveTrades() { try await manage(symbol) }
    }

    /// Looks at each of the symbol's active trades with the venue's position and the trade's
    /// recorded orders, does what `TradeManager` says, and saves the trade's state once every
    /// action is done (a failed action is decided again at the next look).
    func manageLocked(_ symbol: Symbol, fence: Int64) async throws {
        let trades = try await ledger.activeTrades(symbol: symbol)
        guard !trades.isEmpty else { return }
        let record = try await venueCall { try await self.client.position(symbol: symbol) }
        let position = record.map(Self.facts)
        for trade in trades {
            var state = trade.state
            let facts = TradeFacts(now: venueClock.now(), orders: try await ledger.tradeOrders(intentID: trade.plan.intentID), position: position)
            let actions = try TradeManager.evaluate(trade.plan, &state, facts)
            var done = true
            for action in actions {
                do {
                    try await perform(action, for: trade.plan, position: position, fence: fence)
                } catch let refusal as TrailingRefused {
                    state.trailingOnClient = true
                    logger.warning("the venue refused the trailing stop; Keel trails the stop-loss instead", metadata: [
                        "intent": "\(trade.plan.intentID)", "reason": "\(refusal.reason)",
                    ])
                } catch {
                    done = false
                    logger.warning("trade action failed; decided again at the next look", metadata: [
                        "intent": "\(trade.plan.intentID)", "action": "\(action)", "error": "\(error)",
                    ])
                }
            }
            guard done, state != trade.state else { continue }
            try await ledger.save(trade.plan, state: state, fence: fence, at: clock.now())
            if state.phase != trade.state.phase {
                logger.info("trade moved on", metadata: [
                    "intent": "\(trade.plan.intentID)", "symbol": "\(symbol)", "phase": "\(state.phase.rawValue)",
                    "reason": "\(state.closeReason ?? "")",
                ])
            }
        }
    }

    /// An exit was approved for `symbol`: its trades stop placing anything and their ladder
    /// comes off before the exit is sent (resting reduce-only orders would hold the size).
    func closeTrades(of symbol: Symbol, reason: String, fence: Int64) async throws {
        for trade in try await ledger.activeTrades(symbol: symbol) where trade.state.phase != .closing {
            var state = trade.state
            TradeManager.beginClosing(&state, reason: reason)
            try await ledger.save(trade.plan, state: state, fence: fence, at: clock.now())
        }
        try await manageLocked(symbol, fence: fence)
    }

    private func perform(_ action: TradeAction, for plan: TradePlan, position: PositionFacts?, fence: Int64) async throws {
        let symbol = plan.symbol
        switch action {
        case .place(let order):
            if order.role == .entry, !breaker.allowsEntries(at: clock.now()) { return }
            let reference = position?.markPrice ?? plan.stopLoss
            let venueOrder = try VenueOrder(order, symbol: symbol, referencePrice: reference)
            let claim = try await ledger.claim(venueOrder, role: order.role.rawValue, intentID: plan.intentID, fence: fence, at: clock.now())
            if claim != .settled {
                sending.insert(order.clientOrderID)
                defer { sending.remove(order.clientOrderID) }
                try await send(venueOrder, fence: fence)
            }
            try await publishOrder(order.clientOrderID)
        case .cancel(let id, let reason):
            do {
                _ = try await venueCall { try await self.client.cancelOrder(symbol: symbol, orderLinkID: id) }
                logger.info("order cancelled", metadata: ["order": "\(id)", "symbol": "\(symbol)", "reason": "\(reason)"])
            } catch BybitError.orderNotFound {
                // Already filled or cancelled: its record catches up below.
            }
            if let record = try await venueCall({ try await self.client.order(symbol: symbol, orderLinkID: id) }) {
                try await self.record(BybitOrderUpdate(order: try record.order(), updatedTime: record.updatedTime))
            }
        case .setStopLoss(let price, let reason):
            try await venueCall { try await self.client.setTradingStop(symbol: symbol, BybitTradingStop(stopLoss: price)) }
            logger.info("stop-loss moved", metadata: ["symbol": "\(symbol)", "stop": "\(price)", "reason": "\(reason)"])
        case .setTrailingStop(let distance):
            do {
                try await venueCall { try await self.client.setTradingStop(symbol: symbol, BybitTradingStop(trailingStop: distance)) }
            } catch where VenueOutcome.of(error) == .refused {
                throw TrailingRefused(reason: "\(error)")
            }
            logger.info("trailing stop set", metadata: ["symbol": "\(symbol)", "distance": "\(distance)"])
        }
    }

    /// The venue refused a trailing stop (a venue without them, or a distance it will not take).
    struct TrailingRefused: Error {
        let reason: String
    }

    static func facts(_ record: BybitPositionRecord) -> PositionFacts {
        PositionFacts(
            side: record.size.isZero ? nil : record.side, size: record.size, averageEntryPrice: record.averagePrice,
            stopLoss: record.stopLoss, trailingStop: record.trailingStop,
            markPrice: record.markPrice.isPositive ? record.markPrice : nil, updatedAt: record.updatedTime)
    }
}
