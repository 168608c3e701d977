import Core

/// An account's money at one moment, in USDT units.
struct WalletSummary: Sendable {
    var walletBalance: Int64 = 0
    var unrealisedPnl: Int64 = 0
    var cumRealisedPnl: Int64 = 0
    var positionIM: Int64 = 0
    var positionMM: Int64 = 0
    var orderIM: Int64 = 0

    var equity: Int64 { walletBalance + unrealisedPnl }
    /// Equity less the margin positions and open orders hold.
    var available: Int64 { equity - positionIM - orderIM }
}

extension TradingLedger {
    func walletSummary(_ apiKey: String, at time: Timestamp) -> WalletSummary {
        guard let account = accounts[apiKey] else { return WalletSummary() }
        var summary = WalletSummary(walletBalance: account.walletBalance)
        for (symbol, position) in account.positions {
            let instrument = instrument(symbol)
            summary.cumRealisedPnl += position.cumRealisedPnl
            guard position.size != 0 else { continue }
            let mark = lastTicks(symbol, at: time)
            summary.unrealisedPnl += position.unrealisedPnl(mark: mark, instrument: instrument)
            summary.positionIM += position.initialMargin(instrument: instrument)
            summary.positionMM += position.maintenanceMargin(mark: mark, rate: parameters.maintenanceMarginRate, instrument: instrument)
        }
        for order in account.orders where order.status.isOpen && order.status != .untriggered && !order.request.reduceOnly {
            let leverage = account.positions[order.symbol]?.leverage ?? parameters.defaultLeverage * 100
            let value = instrument(order.symbol).value(qty: order.leavesQty, ticks: order.request.priceTicks ?? 0)
            summary.orderIM += Int64(dividedRounded(Int128(value) * 100, by: Int128(leverage)))
        }
        return summary
    }

    func availableBalance(_ apiKey: String, at time: Timestamp) -> Int64 {
        walletSummary(apiKey, at: time).available
    }

    func positionJSON(_ apiKey: String, symbol: Symbol, at time: Timestamp, stream: Bool) -> SimJSON {
        let position = accounts[apiKey]?.positions[symbol]
            ?? EnginePosition(leverage: parameters.defaultLeverage * 100, createdTime: time, updatedTime: time)
        return TradingJSON.position(
            position, instrument: instrument(symbol), mark: lastTicks(symbol, at: time),
            maintenanceRate: parameters.maintenanceMarginRate, stream: stream)
    }

    func walletJSON(_ apiKey: String, at time: Timestamp) -> SimJSON {
        TradingJSON.wallet(walletSummary(apiKey, at: time))
    }

    /// Sets one leverage for both sides; 110043 if unchanged.
    mutating func setLeverage(_ apiKey: String, symbol: Symbol, hundredths: Int64, at time: Timestamp) throws(SimulatorReject) {
        let current = accounts[apiKey]?.positions[symbol]?.leverage ?? parameters.defaultLeverage * 100
        guard hundredths != current else {
            throw SimulatorReject(code: 110043, message: "Set leverage has not been modified.")
        }
        let sequence = seq()
        withAccount(apiKey) { account in
            var position = account.positions[symbol] ?? EnginePosition(leverage: current, createdTime: time, updatedTime: time)
            position.leverage = hundredths
            position.updatedTime = time
            position.seq = sequence
            account.positions[symbol] = position
        }
        emit(apiKey, "position", [positionJSON(apiKey, symbol: symbol, at: time, stream: true)], at: time)
    }

    /// Sets, replaces or (with 0) cancels the position's take-profit, stop-loss and trailing
    /// stop. Prices are in ticks; `trailingDistance` is a distance in ticks.
    mutating func tradingStop(
        _ apiKey: String, symbol: Symbol, takeProfit: Int64?, stopLoss: Int64?, trailingDistance: Int64?,
        activation: Int64?, at time: Timestamp
    ) throws(SimulatorReject) {
        guard let position = accounts[apiKey]?.positions[symbol], let side = position.side else {
            throw .parameter("can not set tp/sl/ts for zero position")
        }
        let last = lastTicks(symbol, at: time)
        let instrument = instrument(symbol)
        try checkTakeProfitStopLoss(side: side, takeProfit: takeProfit, stopLoss: stopLoss, base: last, instrument: instrument)
        let sequence = seq()
        withAccount(apiKey) { account in
            var position = position
            if let takeProfit { position.takeProfit = takeProfit == 0 ? nil : takeProfit }
            if let stopLoss { position.stopLoss = stopLoss == 0 ? nil : stopLoss }
            if let trailingDistance {
                // Without an activation price the stop trails from the price it was set at.
                position.trailing = trailingDistance == 0
                    ? nil : TrailingStop(distance: trailingDistance, activationTicks: activation, extreme: activation == nil ? last : nil)
            }
            position.updatedTime = time
            position.seq = sequence
            account.positions[symbol] = position
        }
        emit(apiKey, "position", [positionJSON(apiKey, symbol: symbol, at: time, stream: true)], at: time)
    }

    /// Bybit's rule: a long's take-profit above the base price and its stop-loss below (the
    /// reverse for a short). Zero means "cancel" and always passes.
    func checkTakeProfitStopLoss(
        side: Side, takeProfit: Int64?, stopLoss: Int64?, base: Int64, instrument: SimulatedInstrument
    ) throws(SimulatorReject) {
        let sideName = side == .buy ? "Buy" : "Sell"
        if let takeProfit, takeProfit != 0, side == .buy ? takeProfit <= base : takeProfit >= base {
            throw .parameter("TakeProfit:\(instrument.price(ticks: takeProfit)) set for \(sideName) position should be "
                + "\(side == .buy ? "higher" : "lower") than base_price:\(instrument.price(ticks: base))??LastPrice")
        }
        if let stopLoss, stopLoss != 0, side == .buy ? stopLoss >= base : stopLoss <= base {
            throw .parameter("StopLoss:\(instrument.price(ticks: stopLoss)) set for \(sideName) position should be "
                + "\(side == .buy ? "lower" : "higher") than base_price:\(instrument.price(ticks: base))??LastPrice")
        }
    }
}
