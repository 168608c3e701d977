import Core
import ExchangeSimulator
import OrderManagement

extension BacktestVenue {
    /// Whether an action for `symbol` is on its way or an opening order rests: its position is
    /// about to change.
    public func hasPending(_ symbol: Symbol) -> Bool {
        guard let number = bookNumbers[symbol] else { return false }
        let book = books[number]
        return !book.pending.isEmpty || book.resting.contains { !orders[$0]!.request.reduceOnly }
    }

    /// The position as execution reports it to risk.
    public func positionReport(_ symbol: Symbol) throws -> Position {
        let book = self[book: symbol]
        return try Position(
            symbol: symbol, side: book.position.side, size: book.instrument.quantityValue(units: book.position.quantity),
            averageEntryPrice: try averageEntryPrice(book), realisedPnL: .zero,
            leverage: try FixedPoint(units: book.position.leverage, scale: 2))
    }

    /// What the trade manager knows of `plan`'s trade at `time`: its orders and the position.
    public func tradeFacts(_ plan: TradePlan, at time: Timestamp) throws -> TradeFacts {
        let book = self[book: plan.symbol]
        var facts: [String: OrderFacts] = [:]
        let ids = [plan.entryID, plan.entryAtMarketID, plan.timeExitID] + plan.ladder.indices.map(plan.stepID)
        for id in ids {
            guard let order = orders[id] else { continue }
            facts[id] = OrderFacts(
                status: order.status, filledQuantity: book.instrument.quantityValue(units: order.filled), updatedAt: order.updatedAt)
        }
        let position = PositionFacts(
            side: book.position.side, size: book.instrument.quantityValue(units: book.position.quantity),
            averageEntryPrice: try averageEntryPrice(book), stopLoss: book.stopLoss.map(book.instrument.priceValue),
            trailingStop: book.trailing.map { book.instrument.priceValue(ticks: $0.distance) },
            markPrice: book.lastPrice.map(book.instrument.priceValue), updatedAt: time)
        return TradeFacts(now: time, orders: facts, position: position)
    }

    /// The average entry with four decimals more than the tick (zero when flat).
    private func averageEntryPrice(_ book: SymbolBook) throws -> Price {
        guard book.position.quantity > 0 else { return Price(.zero) }
        return try book.instrument.averagePriceValue(notional: book.position.entryNotional, qty: book.position.quantity)
    }
}
