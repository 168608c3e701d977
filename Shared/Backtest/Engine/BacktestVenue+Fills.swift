import Core
import ExchangeSimulator

extension BacktestVenue {
    // MARK: Actions arriving

    mutating func take(_ action: VenueAction, symbol: Symbol, price: Int64, at time: Timestamp, _ run: inout BarRun) throws {
        switch action {
        case .place(let request): try arrive(request, price: price, volume: run.bar.volume, at: time)
        case .cancel(_, let id):
            if orders[id]?.isResting ?? false { finish(id, status: .cancelled, at: time) }
        case .setStopLoss(_, let stop):
            if self[book: symbol].position.size != 0 { self[book: symbol].stopLoss = stop }
        case .setTakeProfit(_, let target):
            if self[book: symbol].position.size != 0 { self[book: symbol].takeProfit = target }
        case .setTrailingStop(_, let distance):
            if self[book: symbol].position.size != 0 { self[book: symbol].trailing = TrailingState(distance: distance, extreme: price) }
        }
    }

    /// An order reaching the venue at the path's `price`.
    private mutating func arrive(_ request: VenueOrderRequest, price: Int64, volume: Int64, at time: Timestamp) throws {
        let id = request.clientID
        orders[id]!.status = .new
        orders[id]!.updatedAt = time
        let qty = executable(orders[id]!)
        guard qty > 0 else { return reject(id, "reduce-only order with no position to reduce", at: time) }
        let slipped = adverse(price, side: request.side, qty: qty, volume: volume, instrument: self[book: request.symbol].instrument)
        switch request.kind {
        case .market:
            guard affordable(request, qty: qty, price: slipped) else { return reject(id, "insufficient available balance", at: time) }
            try fill(id, qty: qty, price: slipped, isMaker: false, at: time)
        case .limit(let limit, let postOnly):
            let takes = request.side == .buy ? price <= limit : price >= limit
            guard affordable(request, qty: qty, price: limit) else { return reject(id, "insufficient available balance", at: time) }
            if takes {
                if postOnly { return reject(id, "post-only order would take liquidity", at: time) }
                try fill(id, qty: qty, price: request.side == .buy ? min(slipped, limit) : max(slipped, limit), isMaker: false, at: time)
            } else {
                self[book: request.symbol].resting.append(id)
            }
        }
    }

    /// Whether the account's balance, less the margin of open positions, covers an opening
    /// order's margin at its leverage (reduce-only orders need none).
    private func affordable(_ request: VenueOrderRequest, qty: Int64, price: Int64) -> Bool {
        guard !request.reduceOnly else { return true }
        let book = self[book: request.symbol]
        let leverage = request.leverageHundredths ?? book.position.leverage
        let value = book.instrument.value(qty: qty, ticks: price)
        let margin = Int64(dividedRounded(Int128(value) * 100, by: Int128(leverage)))
        let used = openSet.reduce(Int64(0)) { $0 + self[book: $1].position.initialMargin(instrument: self[book: $1].instrument) }
        return margin <= walletBalance - used
    }

    /// What an order may still execute: its leaves, or for a reduce-only order no more than the
    /// opposite position.
    func executable(_ order: VenueOrderState) -> Int64 {
        guard order.request.reduceOnly else { return order.leaves }
        let position = self[book: order.request.symbol].position
        guard let side = position.side, side != order.request.side else { return 0 }
        return min(order.leaves, position.quantity)
    }

    /// `price` moved against a taker on `side` by the slippage model, at least one tick.
    func adverse(_ price: Int64, side: Side, qty: Int64, volume: Int64, instrument: SimulatedInstrument) -> Int64 {
        let slip = settings.slippage.ticks(price: price, qty: qty, volume: volume)
        return side == .buy ? price + slip : max(1, price - slip)
    }

    private mutating func reject(_ id: String, _ reason: String, at time: Timestamp) {
        orders[id]!.rejectReason = reason
        finish(id, status: .rejected, at: time)
    }

    mutating func finish(_ id: String, status: OrderStatus, at time: Timestamp) {
        orders[id]!.status = status
        orders[id]!.updatedAt = time
        self[book: orders[id]!.request.symbol].resting.removeAll { $0 == id }
    }

    // MARK: Fills

    /// Fills `qty` of order `id` at `price`.
    mutating func fill(_ id: String, qty: Int64, price: Int64, isMaker: Bool, at time: Timestamp) throws {
        let request = orders[id]!.request
        if self[book: request.symbol].position.size == 0, let leverage = request.leverageHundredths {
            self[book: request.symbol].position.leverage = leverage
        }
        orders[id]!.filled += qty
        orders[id]!.updatedAt = time
        if orders[id]!.leaves == 0 {
            finish(id, status: .filled, at: time)
        } else {
            orders[id]!.status = .partiallyFilled
        }
        let opensFrom = self[book: request.symbol].position.size == 0
        try execute(request.symbol, side: request.side, qty: qty, price: price, isMaker: isMaker, cause: .order(id), at: time)
        if opensFrom, !request.reduceOnly, self[book: request.symbol].position.size != 0 {
            if let stop = request.stopLoss { self[book: request.symbol].stopLoss = stop }
            if let target = request.takeProfit { self[book: request.symbol].takeProfit = target }
        }
    }

    /// Closes the whole position at the market: `price` moved by slippage, taker fee.
    mutating func closePosition(_ symbol: Symbol, price: Int64, volume: Int64, cause: FillCause, at time: Timestamp) throws {
        let book = self[book: symbol]
        guard let side = book.position.side else { return }
        let qty = book.position.quantity
        let slipped = adverse(price, side: side.opposite, qty: qty, volume: volume, instrument: book.instrument)
        try execute(symbol, side: side.opposite, qty: qty, price: slipped, isMaker: false, cause: cause, at: time)
    }

    /// Cancels the symbol's resting orders and takes the position over at its bankruptcy price.
    mutating func liquidate(_ symbol: Symbol, at time: Timestamp) throws {
        let book = self[book: symbol]
        guard let side = book.position.side, let bankruptcy = book.position.bankruptcyTicks(instrument: book.instrument) else { return }
        for id in book.resting { finish(id, status: .cancelled, at: time) }
        try execute(symbol, side: side.opposite, qty: book.position.quantity, price: max(1, bankruptcy), isMaker: false,
                    cause: .liquidation, at: time)
    }

    /// One execution: fee, position, wallet and the round trip it belongs to.
    private mutating func execute(
        _ symbol: Symbol, side: Side, qty: Int64, price: Int64, isMaker: Bool, cause: FillCause, at time: Timestamp
    ) throws {
        var book = self[book: symbol]
        let rate = cause == .liquidation ? FixedPoint.zero : isMaker ? settings.makerFeeRate : settings.takerFeeRate
        let fee = applying(rate, to: book.instrument.value(qty: qty, ticks: price))
        let before = book.position.size
        let (pnl, closed) = book.position.apply(side: side, qty: qty, ticks: price, instrument: book.instrument)
        walletBalance += pnl - fee
        let opened = qty - closed
        // The fee is shared between the trade it closes and the one it opens, by quantity.
        let closingFee = qty == 0 ? 0 : Int64(dividedRounded(Int128(fee) * Int128(closed), by: Int128(qty)))
        if closed > 0, var tally = book.tally {
            tally.exitedQty += closed
            tally.exitedNotional += book.instrument.notional(qty: closed, ticks: price)
            tally.fees += closingFee
            tally.realisedPnl += pnl
            book.tally = tally
            if book.position.size == 0 || (before > 0) != (book.position.size > 0) {
                trades.append(try tally.trade(symbol: symbol, exitTime: time, instrument: book.instrument))
                book.tally = nil
                book.stopLoss = nil
                book.takeProfit = nil
                book.trailing = nil
            }
        }
        if opened > 0 {
            if book.tally == nil { book.tally = RoundTripTally(side: side, entryTime: time) }
            book.tally!.enteredQty += opened
            book.tally!.enteredNotional += book.instrument.notional(qty: opened, ticks: price)
            book.tally!.fees += fee - closingFee
        }
        self[book: symbol] = book
        if book.position.size == 0 { openSet.remove(symbol) } else { openSet.insert(symbol) }
        fills.append(VenueFill(time: time, symbol: symbol, side: side, qty: qty, price: price, fee: fee, isMaker: isMaker, cause: cause, realisedPnl: pnl))
        if book.position.size == 0 { cancelReduceOnly(symbol, at: time) }
    }

    /// Reduce-only orders left with nothing to reduce are cancelled, as Bybit does.
    private mutating func cancelReduceOnly(_ symbol: Symbol, at time: Timestamp) {
        for id in self[book: symbol].resting where orders[id]!.request.reduceOnly { finish(id, status: .cancelled, at: time) }
    }

    // MARK: Funding

    /// The position pays `rate × value at price` (longs pay a positive rate, shorts receive it).
    mutating func settleFunding(_ symbol: Symbol, price: Int64, at time: Timestamp) throws {
        let book = self[book: symbol]
        guard let side = book.position.side else { return }
        let paid = applying(settings.fundingRate, to: book.instrument.value(qty: book.position.quantity, ticks: price))
        let amount = side == .buy ? paid : -paid
        walletBalance -= amount
        self[book: symbol].tally?.funding += amount
        fundingPayments.append(FundingPayment(time: time, symbol: symbol, rate: settings.fundingRate, price: price, amount: amount))
    }
}
