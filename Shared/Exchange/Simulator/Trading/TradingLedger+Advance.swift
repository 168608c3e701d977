import Core

extension TradingLedger {
    /// Funding settles at 00:00, 08:00 and 16:00 UTC.
    static let fundingInterval: Int64 = 28_800_000

    /// Walks the market from the last advance to `time`, running funding, triggers, resting
    /// limits, position stops and liquidation at each step. Steps follow the price path (one
    /// price every 250 ms); a catch-up over more than `fineCatchUp` (a long idle spell, a test's
    /// manual clock jumping hours) steps a minute at a time instead. With nothing open it jumps
    /// straight to `time`.
    mutating func advance(to time: Timestamp) {
        guard time > processedThrough else { return }
        defer { processedThrough = time }
        guard accounts.values.contains(where: { !activeSymbols($0).isEmpty }) else { return }
        let gap = time.milliseconds - processedThrough.milliseconds
        let step = gap <= Self.fineCatchUp ? IntraMinutePath.stepMilliseconds : 60_000
        var checkpoint = Timestamp(milliseconds: (processedThrough.milliseconds / step + 1) * step)
        while checkpoint < time {
            process(at: checkpoint)
            checkpoint = checkpoint.adding(milliseconds: step)
        }
        process(at: time)
    }

    /// The longest catch-up walked at the price path's own steps.
    static let fineCatchUp: Int64 = 600_000

    /// Symbols in which an account has a position or an open order.
    func activeSymbols(_ account: AccountState) -> [Symbol] {
        var symbols = Set(account.positions.filter { $0.value.size != 0 }.keys)
        for order in account.orders where order.status.isOpen { symbols.insert(order.symbol) }
        return symbols.sorted()
    }

    mutating func process(at time: Timestamp) {
        if time.milliseconds % Self.fundingInterval == 0 { settleFunding(at: time) }
        for apiKey in accounts.keys.sorted() {
            for symbol in activeSymbols(accounts[apiKey]!) {
                let last = lastTicks(symbol, at: time)
                triggerConditionals(apiKey, symbol: symbol, last: last, at: time)
                fillRestingLimits(apiKey, symbol: symbol, last: last, at: time)
                runPositionStops(apiKey, symbol: symbol, last: last, at: time)
                liquidateIfCrossed(apiKey, symbol: symbol, last: last, at: time)
            }
        }
    }

    /// Conditional orders whose trigger the last price reached become Triggered, then run as
    /// their order type (a market order fills, a limit order rests or fills), or are Rejected
    /// when the account can no longer afford them.
    mutating func triggerConditionals(_ apiKey: String, symbol: Symbol, last: Int64, at time: Timestamp) {
        let due = accounts[apiKey]!.orders.indices.filter { index in
            let order = accounts[apiKey]!.orders[index]
            guard order.symbol == symbol, order.status == .untriggered, let trigger = order.request.triggerTicks else { return false }
            return order.request.triggerDirection == 1 ? last >= trigger : last <= trigger
        }
        for index in due {
            withAccount(apiKey) { account in
                account.orders[index].status = .triggered
                account.orders[index].updatedTime = time
            }
            report(apiKey, orders: [accounts[apiKey]!.orders[index]], executions: [], at: time)
            let request = accounts[apiKey]!.orders[index].request
            let affordable = request.reduceOnly
                || orderMargin(request, position: position(apiKey, symbol), last: last) <= availableBalance(apiKey, at: time)
            withAccount(apiKey) { account in
                account.orders[index].status = .new
                if !affordable {
                    account.orders[index].rejectReason = "EC_InsufficientBalance"
                    account.orders[index].finish(at: time)
                    account.orders[index].status = .rejected
                }
            }
            if affordable {
                execute(apiKey, index: index, at: time)
            } else {
                report(apiKey, orders: [accounts[apiKey]!.orders[index]], executions: [], at: time)
            }
        }
    }

    /// Resting limit orders fill in full, as maker at their own price, once the last price
    /// reaches them.
    mutating func fillRestingLimits(_ apiKey: String, symbol: Symbol, last: Int64, at time: Timestamp) {
        let reached = accounts[apiKey]!.orders.indices.filter { index in
            let order = accounts[apiKey]!.orders[index]
            guard order.symbol == symbol, order.status == .new || order.status == .partiallyFilled,
                  let price = order.request.priceTicks else { return false }
            return order.side == .buy ? last <= price : last >= price
        }
        for index in reached {
            let order = accounts[apiKey]!.orders[index]
            let qty = executableQty(apiKey, order)
            guard qty > 0, let price = order.request.priceTicks else { continue }
            let execution = fill(apiKey, index: index, qty: qty, ticks: price, isMaker: true, at: time)
            if accounts[apiKey]!.orders[index].leavesQty == 0 { withAccount(apiKey) { $0.orders[index].finish(at: time) } }
            report(apiKey, orders: [accounts[apiKey]!.orders[index]], executions: [execution], at: time)
            finishReduceOnly(apiKey, symbol: symbol, at: time)
        }
    }

    /// Take-profit, stop-loss and trailing stop of the position, triggered on the last price;
    /// each closes the whole position with a market order.
    mutating func runPositionStops(_ apiKey: String, symbol: Symbol, last: Int64, at time: Timestamp) {
        guard var position = position(apiKey, symbol), let side = position.side else { return }
        let long = side == .buy
        var trigger: StopOrderType?
        if let takeProfit = position.takeProfit, long ? last >= takeProfit : last <= takeProfit {
            trigger = .takeProfit
        } else if let stopLoss = position.stopLoss, long ? last <= stopLoss : last >= stopLoss {
            trigger = .stopLoss
        } else if var trailing = position.trailing {
            if trailing.extreme == nil, trailing.activationTicks.map({ long ? last >= $0 : last <= $0 }) ?? true {
                trailing.extreme = last
            }
            if let extreme = trailing.extreme {
                let best = long ? max(extreme, last) : min(extreme, last)
                trailing.extreme = best
                if long ? last <= best - trailing.distance : last >= best + trailing.distance { trigger = .trailingStop }
            }
            position.trailing = trailing
            withAccount(apiKey) { $0.positions[symbol] = position }
        }
        guard let trigger else { return }
        let index = placeClose(apiKey, symbol: symbol, stopOrderType: trigger, at: time)
        execute(apiKey, index: index, at: time)
    }

    /// Stores a reduce-only market order that closes the whole position, placed by the engine.
    mutating func placeClose(_ apiKey: String, symbol: Symbol, stopOrderType: StopOrderType, at time: Timestamp) -> Int {
        let position = position(apiKey, symbol)!
        let request = OrderRequest(
            symbol: symbol, side: position.side!.opposite, kind: .market, qty: position.quantity, priceTicks: nil,
            timeInForce: .immediateOrCancel, reduceOnly: true, orderLinkId: "", takeProfitTicks: nil, stopLossTicks: nil,
            triggerTicks: nil, triggerDirection: 0)
        let order = EngineOrder(
            orderId: newOrderID(), orderLinkId: "", request: request, status: .new, stopOrderType: stopOrderType,
            lastPriceOnCreated: lastTicks(symbol, at: time), createdTime: time, updatedTime: time)
        return store(apiKey, order)
    }

    /// When the last price crosses the liquidation price, the open orders of the symbol are
    /// cancelled and the position is taken over at its bankruptcy price (a `BustTrade`).
    mutating func liquidateIfCrossed(_ apiKey: String, symbol: Symbol, last: Int64, at time: Timestamp) {
        guard let position = position(apiKey, symbol), let side = position.side,
              let liquidation = position.liquidationTicks(maintenanceRate: parameters.maintenanceMarginRate, instrument: instrument(symbol)),
              side == .buy ? last <= liquidation : last >= liquidation,
              let bankruptcy = position.bankruptcyTicks(instrument: instrument(symbol)) else { return }
        let open = accounts[apiKey]!.orders.indices.filter {
            accounts[apiKey]!.orders[$0].symbol == symbol && accounts[apiKey]!.orders[$0].status.isOpen
        }
        withAccount(apiKey) { account in
            for index in open { account.orders[index].finish(at: time, cancelType: "CancelAllBeforeLiq") }
        }
        report(apiKey, orders: open.map { accounts[apiKey]!.orders[$0] }, executions: [], at: time)
        let index = placeClose(apiKey, symbol: symbol, stopOrderType: .none, at: time)
        let execution = fill(apiKey, index: index, qty: position.quantity, ticks: max(bankruptcy, 1), isMaker: false, execType: "BustTrade", at: time)
        withAccount(apiKey) { $0.orders[index].finish(at: time) }
        report(apiKey, orders: [accounts[apiKey]!.orders[index]], executions: [execution], at: time)
    }

    /// Every position pays (or receives) `rate × value at the last price`: with a positive rate
    /// longs pay shorts. The rate is the one of the period that ends now.
    mutating func settleFunding(at time: Timestamp) {
        for apiKey in accounts.keys.sorted() {
            for (symbol, position) in accounts[apiKey]!.positions.sorted(by: { $0.key < $1.key }) {
                guard let side = position.side else { continue }
                let instrument = instrument(symbol)
                let rate = market.fundingRate(symbol, at: time.adding(milliseconds: -1))
                let mark = lastTicks(symbol, at: time)
                let paid = applying(rate, to: instrument.value(qty: position.quantity, ticks: mark))
                let fee = side == .buy ? paid : -paid
                let sequence = seq()
                withAccount(apiKey) { account in
                    account.walletBalance -= fee
                    account.positions[symbol]!.cumRealisedPnl -= fee
                    account.positions[symbol]!.curRealisedPnl -= fee
                    account.positions[symbol]!.updatedTime = time
                    account.positions[symbol]!.seq = sequence
                }
                let execution = EngineExecution(
                    execId: newExecID(), symbol: symbol, side: side, qty: position.quantity, priceTicks: mark, fee: fee,
                    feeRate: rate, execType: "Funding", isMaker: false, orderId: "", orderLinkId: "", orderType: "UNKNOWN",
                    orderPriceTicks: mark, orderQty: 0, leavesQty: 0, closedSize: 0, stopOrderType: .none,
                    markTicks: mark, time: time, seq: sequence)
                report(apiKey, orders: [], executions: [execution], at: time)
            }
        }
    }
}
