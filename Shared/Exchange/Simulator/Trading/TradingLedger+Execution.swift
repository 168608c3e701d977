import Core

extension TradingLedger {
    /// Runs `body` on an account in place.
    mutating func withAccount<T>(_ apiKey: String, _ body: (inout AccountState) -> T) -> T {
        body(&accounts[apiKey]!)
    }

    func position(_ apiKey: String, _ symbol: Symbol) -> EnginePosition? {
        accounts[apiKey]?.positions[symbol]
    }

    /// The book side a taker on `side` takes from at `time`, best first.
    func takerLevels(_ symbol: Symbol, side: Side, at time: Timestamp) -> [BookLevel] {
        let book = market.book(symbol, at: time, depth: parameters.bookDepth)
        return side == .buy ? book.asks : book.bids
    }

    /// What an order may still execute: its leaves quantity, or for a reduce-only order no
    /// more than the opposite position it reduces.
    func executableQty(_ apiKey: String, _ order: EngineOrder) -> Int64 {
        guard order.request.reduceOnly else { return order.leavesQty }
        guard let position = position(apiKey, order.symbol), let side = position.side, side != order.side else { return 0 }
        return min(order.leavesQty, position.quantity)
    }

    /// Runs an order that is not waiting for a trigger: PostOnly and FOK checks, a taker walk of
    /// the book up to the limit price, then the remainder rests (GTC, PostOnly) or is cancelled.
    mutating func execute(_ apiKey: String, index: Int, at time: Timestamp) {
        let order = accounts[apiKey]!.orders[index]
        let request = order.request
        let levels = takerLevels(request.symbol, side: request.side, at: time)
        func crosses(_ ticks: Int64) -> Bool {
            guard let limit = request.priceTicks else { return true }
            return request.side == .buy ? ticks <= limit : ticks >= limit
        }
        let wanted = executableQty(apiKey, order)
        var rejectReason: String?
        if wanted == 0 {
            rejectReason = "EC_ReduceOnlyRuleNotSatisfied"
        } else if request.timeInForce == .postOnly, let best = levels.first, crosses(best.priceTicks) {
            rejectReason = "EC_PostOnlyWillTakeLiquidity"
        } else if request.timeInForce == .fillOrKill,
                  levels.prefix(while: { crosses($0.priceTicks) }).reduce(0, { $0 + $1.sizeUnits }) < wanted {
            rejectReason = "EC_FOKCannotBeFilled"
        }
        var executions: [EngineExecution] = []
        if rejectReason == nil, request.timeInForce != .postOnly {
            var remaining = wanted
            for level in levels where remaining > 0 && crosses(level.priceTicks) {
                let take = min(level.sizeUnits, remaining)
                executions.append(fill(apiKey, index: index, qty: take, ticks: level.priceTicks, isMaker: false, at: time))
                remaining -= take
            }
        }
        withAccount(apiKey) { account in
            let rests = rejectReason == nil && request.kind == .limit
                && (request.timeInForce == .goodTillCancel || request.timeInForce == .postOnly)
            if let rejectReason { account.orders[index].rejectReason = rejectReason }
            if rests && account.orders[index].leavesQty > 0 {
                account.orders[index].status = account.orders[index].cumExecQty > 0 ? .partiallyFilled : .new
            } else {
                account.orders[index].finish(at: time)
            }
        }
        report(apiKey, orders: [accounts[apiKey]!.orders[index]], executions: executions, at: time)
        finishReduceOnly(apiKey, symbol: request.symbol, at: time)
    }

    /// Fills `qty` of an order at `ticks`: fee, position, wallet, and the order's totals.
    mutating func fill(
        _ apiKey: String, index: Int, qty: Int64, ticks: Int64, isMaker: Bool, execType: String = "Trade", at time: Timestamp
    ) -> EngineExecution {
        let order = accounts[apiKey]!.orders[index]
        let instrument = instrument(order.symbol)
        let rate = execType == "BustTrade" ? FixedPoint.zero : isMaker ? parameters.makerFeeRate : parameters.takerFeeRate
        let fee = applying(rate, to: instrument.value(qty: qty, ticks: ticks))
        let defaultLeverage = parameters.defaultLeverage * 100
        let sequence = seq()
        let closed = withAccount(apiKey) { account -> Int64 in
            var position = account.positions[order.symbol] ?? EnginePosition(leverage: defaultLeverage, createdTime: time, updatedTime: time)
            let (pnl, closed) = position.apply(side: order.side, qty: qty, ticks: ticks, instrument: instrument)
            position.cumRealisedPnl += pnl - fee
            position.curRealisedPnl += pnl - fee
            position.updatedTime = time
            position.seq = sequence
            if position.size != 0, !order.request.reduceOnly {
                if let takeProfit = order.request.takeProfitTicks { position.takeProfit = takeProfit }
                if let stopLoss = order.request.stopLossTicks { position.stopLoss = stopLoss }
            }
            account.positions[order.symbol] = position
            account.walletBalance += pnl - fee
            account.orders[index].cumExecQty += qty
            account.orders[index].cumExecNotional += instrument.notional(qty: qty, ticks: ticks)
            account.orders[index].cumExecFee += fee
            account.orders[index].updatedTime = time
            if account.orders[index].leavesQty > 0 { account.orders[index].status = .partiallyFilled }
            return closed
        }
        let updated = accounts[apiKey]!.orders[index]
        return EngineExecution(
            execId: newExecID(), symbol: order.symbol, side: order.side, qty: qty, priceTicks: ticks, fee: fee,
            feeRate: rate, execType: execType, isMaker: isMaker, orderId: order.orderId, orderLinkId: order.orderLinkId,
            orderType: order.request.kind.rawValue, orderPriceTicks: order.request.priceTicks ?? ticks, orderQty: order.request.qty,
            leavesQty: updated.leavesQty, closedSize: closed, stopOrderType: order.stopOrderType,
            markTicks: lastTicks(order.symbol, at: time), time: time, seq: sequence)
    }

    /// Cancels the open reduce-only orders of `symbol` left with nothing to reduce, as Bybit does
    /// once a position is closed.
    mutating func finishReduceOnly(_ apiKey: String, symbol: Symbol, at time: Timestamp) {
        let stale = accounts[apiKey]!.orders.indices.filter { index in
            let order = accounts[apiKey]!.orders[index]
            return order.symbol == symbol && order.request.reduceOnly && order.status.isOpen
                && order.status != .untriggered && executableQty(apiKey, order) == 0
        }
        guard !stale.isEmpty else { return }
        withAccount(apiKey) { account in
            for index in stale { account.orders[index].finish(at: time, cancelType: "CancelByReduceOnly") }
        }
        report(apiKey, orders: stale.map { accounts[apiKey]!.orders[$0] }, executions: [], at: time)
    }

    /// Publishes what an operation changed: executions, orders, then the position and wallet
    /// they moved.
    mutating func report(_ apiKey: String, orders: [EngineOrder], executions: [EngineExecution], at time: Timestamp) {
        accounts[apiKey]?.executions.append(contentsOf: executions)
        emit(apiKey, "execution", executions.map { TradingJSON.execution($0, instrument: instrument($0.symbol)) }, at: time)
        emit(apiKey, "order", orders.map { TradingJSON.order($0, instrument: instrument($0.symbol), stream: true) }, at: time)
        let symbols = Set(executions.map(\.symbol))
        guard !symbols.isEmpty else { return }
        let positions = symbols.sorted().map { positionJSON(apiKey, symbol: $0, at: time, stream: true) }
        emit(apiKey, "position", positions, at: time)
        emit(apiKey, "wallet", [walletJSON(apiKey, at: time)], at: time)
    }
}
