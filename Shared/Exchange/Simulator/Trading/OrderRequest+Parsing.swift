import Core

extension OrderRequest {
    /// The body of `POST /v5/order/create`, checked against the instrument's rules (10001 with
    /// the rule broken).
    init(_ fields: RequestFields, market: MarketBoard) throws(SimulatorReject) {
        try fields.linearCategory()
        let instrument = try fields.instrument(in: market)
        try fields.oneWayPositionIndex()
        symbol = instrument.symbol
        switch try fields.required("side") {
        case "Buy": side = .buy
        case "Sell": side = .sell
        case let other: throw .parameter("params error: side must be Buy or Sell, got \(other)")
        }
        let kindText = try fields.required("orderType")
        guard let kind = OrderKind(rawValue: kindText) else {
            throw .parameter("params error: orderType must be Market or Limit, got \(kindText)")
        }
        self.kind = kind
        let maximum = kind == .market ? instrument.maxMarketOrderQtyUnits : instrument.maxOrderQtyUnits
        qty = try fields.quantity("qty", instrument, maximum: maximum)
        if kind == .limit {
            guard let price = try fields.price("price", instrument) else { throw .parameter("params error: price is required for a Limit order") }
            priceTicks = price
            let tifText = fields["timeInForce"] ?? "GTC"
            guard let tif = TimeInForce(rawValue: tifText) else {
                throw .parameter("params error: timeInForce must be GTC, IOC, FOK or PostOnly, got \(tifText)")
            }
            timeInForce = tif
        } else {
            priceTicks = nil
            timeInForce = .immediateOrCancel
        }
        reduceOnly = try fields.flag("reduceOnly")
        orderLinkId = fields["orderLinkId"] ?? ""
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
        guard orderLinkId.count <= 36, orderLinkId.allSatisfy(allowed.contains) else {
            throw .parameter("params error: orderLinkId must be at most 36 characters of A-Z a-z 0-9 - _")
        }
        takeProfitTicks = try fields.price("takeProfit", instrument)
        stopLossTicks = try fields.price("stopLoss", instrument)
        if reduceOnly, takeProfitTicks != nil || stopLossTicks != nil {
            throw .parameter("params error: a reduceOnly order cannot carry takeProfit or stopLoss")
        }
        triggerTicks = try fields.price("triggerPrice", instrument)
        if triggerTicks != nil {
            guard let direction = fields["triggerDirection"], direction == "1" || direction == "2" else {
                throw .parameter("params error: triggerDirection must be 1 (rise) or 2 (fall) with a triggerPrice")
            }
            triggerDirection = direction == "1" ? 1 : 2
        } else {
            triggerDirection = 0
        }
    }
}
