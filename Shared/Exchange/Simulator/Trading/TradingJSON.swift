import Core

/// Bybit V5 shapes of orders, executions, positions and wallets: REST items, and the private
/// stream's items (the same fields plus `category`).
enum TradingJSON {
    static func sideName(_ side: Side?) -> String {
        switch side {
        case .buy: return "Buy"
        case .sell: return "Sell"
        case nil: return ""
        }
    }

    /// A price in ticks, or "0" when unset (Bybit's way of saying "none").
    static func price(_ ticks: Int64?, _ instrument: SimulatedInstrument) -> String {
        ticks.map { instrument.price(ticks: $0) } ?? "0"
    }

    static func order(_ order: EngineOrder, instrument: SimulatedInstrument, stream: Bool) -> SimJSON {
        let request = order.request
        let cumValue = instrument.usdt(notional: order.cumExecNotional)
        let leavesValue = instrument.value(qty: order.leavesQty, ticks: request.priceTicks ?? 0)
        let hasStops = request.takeProfitTicks != nil || request.stopLossTicks != nil
        var fields: [(String, SimJSON)] = stream ? [("category", .string("linear"))] : []
        fields += [
            ("orderId", .string(order.orderId)),
            ("orderLinkId", .string(order.orderLinkId)),
            ("blockTradeId", .string("")),
            ("symbol", .string(order.symbol.rawValue)),
            ("price", .string(price(request.priceTicks, instrument))),
            ("qty", .string(instrument.quantity(units: request.qty))),
            ("side", .string(sideName(order.side))),
            ("isLeverage", .string("")),
            ("positionIdx", .int(0)),
            ("orderStatus", .string(order.status.rawValue)),
            ("createType", .string(order.stopOrderType == .none || order.stopOrderType == .stop ? "CreateByUser" : "CreateByStopOrder")),
            ("cancelType", .string(order.cancelType)),
            ("rejectReason", .string(order.rejectReason)),
            ("avgPrice", .string(order.cumExecQty > 0 ? instrument.averagePrice(notional: order.cumExecNotional, qty: order.cumExecQty) : "0")),
            ("leavesQty", .string(instrument.quantity(units: order.leavesQty))),
            ("leavesValue", .string(USDT.string(leavesValue))),
            ("cumExecQty", .string(instrument.quantity(units: order.cumExecQty))),
            ("cumExecValue", .string(USDT.string(cumValue))),
            ("cumExecFee", .string(USDT.string(order.cumExecFee))),
            ("timeInForce", .string(request.timeInForce.rawValue)),
            ("orderType", .string(request.kind.rawValue)),
            ("stopOrderType", .string(order.stopOrderType.rawValue)),
            ("orderIv", .string("")),
            ("marketUnit", .string("")),
            ("triggerPrice", .string(price(request.triggerTicks, instrument))),
            ("takeProfit", .string(price(request.takeProfitTicks, instrument))),
            ("stopLoss", .string(price(request.stopLossTicks, instrument))),
            ("tpslMode", .string(hasStops ? "Full" : "")),
            ("ocoTriggerBy", .string("")),
            ("tpLimitPrice", .string("0")),
            ("slLimitPrice", .string("0")),
            ("tpTriggerBy", .string(request.takeProfitTicks == nil ? "" : "LastPrice")),
            ("slTriggerBy", .string(request.stopLossTicks == nil ? "" : "LastPrice")),
            ("triggerDirection", .int(Int64(request.triggerDirection))),
            ("triggerBy", .string(request.triggerTicks == nil ? "" : "LastPrice")),
            ("lastPriceOnCreated", .string(instrument.price(ticks: order.lastPriceOnCreated))),
            ("reduceOnly", .bool(request.reduceOnly)),
            ("closeOnTrigger", .bool(false)),
            ("placeType", .string("")),
            ("smpType", .string("None")),
            ("smpGroup", .int(0)),
            ("smpOrderId", .string("")),
            ("createdTime", .string(String(order.createdTime.milliseconds))),
            ("updatedTime", .string(String(order.updatedTime.milliseconds))),
        ]
        return .object(fields)
    }

    static func execution(_ execution: EngineExecution, instrument: SimulatedInstrument) -> SimJSON {
        .object([
            ("category", .string("linear")),
            ("symbol", .string(execution.symbol.rawValue)),
            ("isLeverage", .string("")),
            ("orderId", .string(execution.orderId)),
            ("orderLinkId", .string(execution.orderLinkId)),
            ("side", .string(sideName(execution.side))),
            ("orderPrice", .string(instrument.price(ticks: execution.orderPriceTicks))),
            ("orderQty", .string(instrument.quantity(units: execution.orderQty))),
            ("leavesQty", .string(instrument.quantity(units: execution.leavesQty))),
            ("createType", .string(execution.stopOrderType == .none ? "CreateByUser" : "CreateByStopOrder")),
            ("orderType", .string(execution.orderType)),
            ("stopOrderType", .string(execution.stopOrderType.rawValue)),
            ("execFee", .string(USDT.string(execution.fee))),
            ("execId", .string(execution.execId)),
            ("execPrice", .string(instrument.price(ticks: execution.priceTicks))),
            ("execQty", .string(instrument.quantity(units: execution.qty))),
            ("execType", .string(execution.execType)),
            ("execValue", .string(USDT.string(instrument.value(qty: execution.qty, ticks: execution.priceTicks)))),
            ("execTime", .string(String(execution.time.milliseconds))),
            ("isMaker", .bool(execution.isMaker)),
            ("feeRate", .string(execution.feeRate.description)),
            ("feeCurrency", .string("USDT")),
            ("tradeIv", .string("")),
            ("markIv", .string("")),
            ("markPrice", .string(instrument.price(ticks: execution.markTicks))),
            ("indexPrice", .string(instrument.price(ticks: execution.markTicks))),
            ("underlyingPrice", .string("")),
            ("blockTradeId", .string("")),
            ("closedSize", .string(instrument.quantity(units: execution.closedSize))),
            ("seq", .int(execution.seq)),
        ])
    }

    static func leverage(_ hundredths: Int64) -> String {
        // Force-try is safe: scale 2 is valid for any Int64.
        try! FixedPoint(units: hundredths, scale: 2).normalized.description
    }

    static func position(
        _ position: EnginePosition, instrument: SimulatedInstrument, mark: Int64, maintenanceRate: FixedPoint, stream: Bool
    ) -> SimJSON {
        let flat = position.size == 0
        let average = flat ? "0" : instrument.averagePrice(notional: position.entryNotional, qty: position.quantity)
        let liquidation = position.liquidationTicks(maintenanceRate: maintenanceRate, instrument: instrument)
        let bankruptcy = position.bankruptcyTicks(instrument: instrument)
        let initialMargin = position.initialMargin(instrument: instrument)
        var fields: [(String, SimJSON)] = stream ? [("category", .string("linear"))] : []
        fields += [
            ("positionIdx", .int(0)),
            ("riskId", .int(1)),
            ("riskLimitValue", .string("2000000")),
            ("symbol", .string(instrument.symbol.rawValue)),
            ("side", .string(sideName(position.side))),
            ("size", .string(instrument.quantity(units: position.quantity))),
            ("avgPrice", .string(average)),
        ]
        if stream { fields.append(("entryPrice", .string(average))) }
        fields += [
            ("positionValue", .string(USDT.string(instrument.usdt(notional: position.entryNotional)))),
            ("tradeMode", .int(0)),
            ("positionStatus", .string("Normal")),
            ("autoAddMargin", .int(0)),
            ("adlRankIndicator", .int(flat ? 0 : 2)),
            ("leverage", .string(leverage(position.leverage))),
            ("positionBalance", .string(USDT.string(initialMargin))),
            ("markPrice", .string(instrument.price(ticks: mark))),
            ("liqPrice", .string(liquidation.map { instrument.price(ticks: $0) } ?? "")),
            ("bustPrice", .string(bankruptcy.map { instrument.price(ticks: $0) } ?? "")),
            ("positionMM", .string(USDT.string(position.maintenanceMargin(mark: mark, rate: maintenanceRate, instrument: instrument)))),
            ("positionIM", .string(USDT.string(initialMargin))),
            ("tpslMode", .string("Full")),
            ("takeProfit", .string(price(position.takeProfit, instrument))),
            ("stopLoss", .string(price(position.stopLoss, instrument))),
            ("trailingStop", .string(price(position.trailing?.distance, instrument))),
            ("activePrice", .string(price(position.trailing?.activationTicks, instrument))),
            ("unrealisedPnl", .string(USDT.string(position.unrealisedPnl(mark: mark, instrument: instrument)))),
            ("curRealisedPnl", .string(USDT.string(position.curRealisedPnl))),
            ("cumRealisedPnl", .string(USDT.string(position.cumRealisedPnl))),
            ("sessionAvgPrice", .string("")),
            ("isReduceOnly", .bool(false)),
            ("mmrSysUpdatedTime", .string("")),
            ("leverageSysUpdatedTime", .string("")),
            ("createdTime", .string(String(position.createdTime.milliseconds))),
            ("updatedTime", .string(String(position.updatedTime.milliseconds))),
            ("seq", .int(position.seq)),
        ]
        return .object(fields)
    }

    static func wallet(_ summary: WalletSummary) -> SimJSON {
        let initialMargin = summary.positionIM + summary.orderIM
        let equity = USDT.string(summary.equity)
        return .object([
            ("accountType", .string("UNIFIED")),
            ("accountIMRate", .string(ratio(initialMargin, summary.equity))),
            ("accountMMRate", .string(ratio(summary.positionMM, summary.equity))),
            ("accountLTV", .string("0")),
            ("totalEquity", .string(equity)),
            ("totalWalletBalance", .string(USDT.string(summary.walletBalance))),
            ("totalMarginBalance", .string(equity)),
            ("totalAvailableBalance", .string(USDT.string(summary.available))),
            ("totalPerpUPL", .string(USDT.string(summary.unrealisedPnl))),
            ("totalInitialMargin", .string(USDT.string(initialMargin))),
            ("totalMaintenanceMargin", .string(USDT.string(summary.positionMM))),
            ("coin", .array([.object([
                ("coin", .string("USDT")),
                ("equity", .string(equity)),
                ("usdValue", .string(equity)),
                ("walletBalance", .string(USDT.string(summary.walletBalance))),
                ("free", .string("")),
                ("locked", .string("0")),
                ("spotHedgingQty", .string("0")),
                ("borrowAmount", .string("0")),
                ("availableToWithdraw", .string("")),
                ("accruedInterest", .string("0")),
                ("totalOrderIM", .string(USDT.string(summary.orderIM))),
                ("totalPositionIM", .string(USDT.string(summary.positionIM))),
                ("totalPositionMM", .string(USDT.string(summary.positionMM))),
                ("unrealisedPnl", .string(USDT.string(summary.unrealisedPnl))),
                ("cumRealisedPnl", .string(USDT.string(summary.cumRealisedPnl))),
                ("bonus", .string("0")),
                ("marginCollateral", .bool(true)),
                ("collateralSwitch", .bool(true)),
                ("availableToBorrow", .string("")),
            ])])),
        ])
    }

    /// `part / whole` with four decimals ("0" when `whole` is not positive).
    static func ratio(_ part: Int64, _ whole: Int64) -> String {
        guard whole > 0 else { return "0" }
        return decimal(Int64(dividedRounded(Int128(part) * 10_000, by: Int128(whole))), scale: 4)
    }
}
