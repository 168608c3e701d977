import Core

extension TradingLedger {
    /// Places an order (Bybit's checks in Bybit's order) and runs it unless it waits for a
    /// trigger. Returns the stored order.
    mutating func create(_ apiKey: String, _ request: OrderRequest, at time: Timestamp) throws(SimulatorReject) -> EngineOrder {
        guard let account = accounts[apiKey] else { throw SimulatorReject(code: 10003, message: "API key is invalid.") }
        if !request.orderLinkId.isEmpty, account.linkIndex[request.orderLinkId] != nil {
            throw SimulatorReject(code: 110072, message: "OrderLinkedID is duplicate")
        }
        let instrument = instrument(request.symbol)
        let last = lastTicks(request.symbol, at: time)
        let position = account.positions[request.symbol]
        if request.takeProfitTicks != nil || request.stopLossTicks != nil {
            try checkTakeProfitStopLoss(
                side: request.side, takeProfit: request.takeProfitTicks, stopLoss: request.stopLossTicks,
                base: request.priceTicks ?? request.triggerTicks ?? last, instrument: instrument)
        }
        if let trigger = request.triggerTicks {
            if request.triggerDirection == 1, trigger <= last {
                throw SimulatorReject(
                    code: 110092, message: "expect Rising, but trigger_price[\(instrument.price(ticks: trigger))] <= current[\(instrument.price(ticks: last))]??LastPrice")
            }
            if request.triggerDirection == 2, trigger >= last {
                throw SimulatorReject(
                    code: 110093, message: "expect Falling, but trigger_price[\(instrument.price(ticks: trigger))] >= current[\(instrument.price(ticks: last))]??LastPrice")
            }
        }
        if request.reduceOnly {
            guard let held = position?.side, held != request.side else {
                throw SimulatorReject(code: 110017, message: "Reduce-only rule not satisfied")
            }
        } else {
            let basis = request.priceTicks ?? request.triggerTicks ?? last
            if instrument.notional(qty: request.qty, ticks: basis) < Int128(instrument.minNotional) * powerOfTen(Int(instrument.qtyScale + instrument.priceScale)) {
                throw SimulatorReject(
                    code: 110094, message: "Order does not meet minimum order value \(instrument.minNotional)USDT")
            }
            if request.triggerTicks == nil {
                let required = orderMargin(request, position: position, last: last)
                if required > availableBalance(apiKey, at: time) {
                    throw SimulatorReject(code: 110007, message: "ab not enough for new order")
                }
            }
        }
        let order = EngineOrder(
            orderId: newOrderID(), orderLinkId: request.orderLinkId, request: request,
            status: request.triggerTicks == nil ? .new : .untriggered,
            stopOrderType: request.triggerTicks == nil ? .none : .stop,
            lastPriceOnCreated: last, createdTime: time, updatedTime: time)
        let index = store(apiKey, order)
        if order.status == .untriggered {
            report(apiKey, orders: [order], executions: [], at: time)
        } else {
            execute(apiKey, index: index, at: time)
        }
        return accounts[apiKey]!.orders[index]
    }

    /// Adds an order to the account's books and returns its index.
    mutating func store(_ apiKey: String, _ order: EngineOrder) -> Int {
        withAccount(apiKey) { account in
            let index = account.orders.count
            account.orders.append(order)
            account.orderIndex[order.orderId] = index
            if !order.orderLinkId.isEmpty { account.linkIndex[order.orderLinkId] = index }
            return index
        }
    }

    /// The margin an order would lock: the part that opens or adds to a position, at its limit
    /// price (or the last price for a market order), divided by the symbol's leverage.
    func orderMargin(_ request: OrderRequest, position: EnginePosition?, last: Int64) -> Int64 {
        var opening = request.qty
        if let position, let held = position.side, held != request.side { opening = max(0, request.qty - position.quantity) }
        let leverage = position?.leverage ?? parameters.defaultLeverage * 100
        let value = instrument(request.symbol).value(qty: opening, ticks: request.priceTicks ?? last)
        return Int64(dividedRounded(Int128(value) * 100, by: Int128(leverage)))
    }

    /// The index of an order by id or link id; 110001 if the account has none such.
    func orderIndex(_ apiKey: String, symbol: Symbol?, orderId: String?, orderLinkId: String?) throws(SimulatorReject) -> Int {
        let account = accounts[apiKey]
        let index: Int?
        if let orderId, !orderId.isEmpty {
            index = account?.orderIndex[orderId]
        } else if let orderLinkId, !orderLinkId.isEmpty {
            index = account?.linkIndex[orderLinkId]
        } else {
            throw .parameter("params error: orderId or orderLinkId is required")
        }
        guard let index, let order = account?.orders[index], symbol == nil || order.symbol == symbol else {
            throw SimulatorReject(code: 110001, message: "Order does not exist.")
        }
        return index
    }

    /// Cancels an open order; 110001 if it is unknown or already finished.
    mutating func cancel(
        _ apiKey: String, symbol: Symbol, orderId: String?, orderLinkId: String?, at time: Timestamp
    ) throws(SimulatorReject) -> EngineOrder {
        let index = try orderIndex(apiKey, symbol: symbol, orderId: orderId, orderLinkId: orderLinkId)
        guard accounts[apiKey]!.orders[index].status.isOpen else {
            throw SimulatorReject(code: 110001, message: "Order does not exist.")
        }
        let wasUntriggered = accounts[apiKey]!.orders[index].status == .untriggered
        withAccount(apiKey) { account in
            account.orders[index].finish(at: time, cancelType: "CancelByUser")
            if wasUntriggered { account.orders[index].status = .deactivated }
        }
        let order = accounts[apiKey]!.orders[index]
        report(apiKey, orders: [order], executions: [], at: time)
        return order
    }

    /// Orders for `/v5/order/realtime`, newest first: one by id (whatever its status), else the
    /// open ones of `symbol`, or with `includeClosed` the closed ones too (the latest 500).
    func orders(_ apiKey: String, symbol: Symbol?, orderId: String?, orderLinkId: String?, includeClosed: Bool) -> [EngineOrder] {
        guard let account = accounts[apiKey] else { return [] }
        if (orderId ?? "").isEmpty == false || (orderLinkId ?? "").isEmpty == false {
            let index = try? orderIndex(apiKey, symbol: symbol, orderId: orderId, orderLinkId: orderLinkId)
            return index.map { [account.orders[$0]] } ?? []
        }
        var selected: [EngineOrder] = []
        var closed = 0
        for order in account.orders.reversed() where symbol == nil || order.symbol == symbol {
            if order.status.isOpen {
                selected.append(order)
            } else if includeClosed, closed < 500 {
                selected.append(order)
                closed += 1
            }
        }
        return selected
    }
}
