import Schemas

/// Messages with every field set to a non-default value (checked by `ProtoSchema.assertComplete`).
enum Fixtures {
    static func dec(_ units: Int64, _ scale: UInt32) -> Keel_V1_Decimal {
        var d = Keel_V1_Decimal()
        d.units = units
        d.scale = scale
        return d
    }

    static var takeProfit: Keel_V1_TakeProfitTarget {
        var t = Keel_V1_TakeProfitTarget()
        t.price = dec(6_650_000, 2)
        t.fraction = dec(5, 1)
        t.qty = dec(125, 3)
        return t
    }

    static var takeProfits: [Keel_V1_TakeProfitTarget] {
        var second = takeProfit
        second.price = dec(6_800_000, 2)
        second.fraction = dec(3, 1)
        second.qty = dec(75, 3)
        return [takeProfit, second]
    }

    static var trailingByDistance: Keel_V1_TrailingStop {
        var t = Keel_V1_TrailingStop()
        t.distance = dec(25_000, 2)
        t.activationPrice = dec(6_700_000, 2)
        t.afterTarget = 1
        return t
    }

    static var trailingByFraction: Keel_V1_TrailingStop {
        var t = trailingByDistance
        t.fraction = dec(15, 3)
        return t
    }

    static var trade: Keel_V1_Trade {
        var m = Keel_V1_Trade()
        m.tradeID = "e3c0a7f4-1b2c-4d5e-9f00-112233445566"
        m.symbol = "BTCUSDT"
        m.venue = .bybit
        m.price = dec(6_543_210, 2)
        m.qty = dec(1_234, 3)
        m.takerSide = .sell
        m.timeMs = 1_732_240_000_123
        m.receivedMs = 1_732_240_000_145
        return m
    }

    static var candle: Keel_V1_Candle {
        var m = Keel_V1_Candle()
        m.symbol = "ETHUSDT"
        m.venue = .hyperliquid
        m.timeframe = .h4
        m.openTimeMs = 1_732_233_600_000
        m.open = dec(312_345, 2)
        m.high = dec(318_000, 2)
        m.low = dec(309_912, 2)
        m.close = dec(317_001, 2)
        m.volume = dec(9_876_543, 2)
        m.turnover = dec(31_012_345_678, 2)
        m.tradeCount = 48_211
        m.closed = true
        m.backfilled = true
        m.receivedMs = 1_732_248_000_050
        return m
    }

    static func level(_ price: Int64, _ qty: Int64) -> Keel_V1_BookLevel {
        var l = Keel_V1_BookLevel()
        l.price = dec(price, 1)
        l.qty = dec(qty, 3)
        return l
    }

    static var book: Keel_V1_BookSnapshot {
        var m = Keel_V1_BookSnapshot()
        m.symbol = "BTCUSDT"
        m.venue = .bybit
        m.bids = [level(654_320, 1_500), level(654_310, 2_250)]
        m.asks = [level(654_330, 900), level(654_340, 4_000)]
        m.depth = 2
        m.updateID = 98_765_432
        m.sequence = 123_456_789_012
        m.imbalance = dec(-1_234, 4)
        m.timeMs = 1_732_240_000_200
        m.receivedMs = 1_732_240_000_230
        return m
    }

    static var ticker: Keel_V1_Ticker {
        var m = Keel_V1_Ticker()
        m.symbol = "SOLUSDT"
        m.venue = .simulator
        m.lastPrice = dec(2_453_100, 4)
        m.markPrice = dec(2_453_250, 4)
        m.indexPrice = dec(2_452_980, 4)
        m.bestBid = dec(2_453_000, 4)
        m.bestAsk = dec(2_453_200, 4)
        m.fundingRate = dec(-125, 6)
        m.openInterest = dec(1_234_567, 1)
        m.openInterestValue = dec(302_876_543_21, 2)
        m.volume24H = dec(9_988_776, 1)
        m.turnover24H = dec(245_000_000_00, 2)
        m.high24H = dec(2_510_000, 4)
        m.low24H = dec(2_380_000, 4)
        m.prevPrice24H = dec(2_400_000, 4)
        m.timeMs = 1_732_240_000_300
        m.receivedMs = 1_732_240_000_320
        m.nextFundingTimeMs = 1_732_262_400_000
        return m
    }

    static var intent: Keel_V1_Intent {
        var m = Keel_V1_Intent()
        m.intentID = "macd-rsi:BTCUSDT:1h:1732237200000:entry"
        m.strategy = "macd-rsi"
        m.strategyVersion = "2.1.0+a1b2c3"
        m.symbol = "BTCUSDT"
        m.side = .buy
        m.kind = .entry
        m.timeframe = .h1
        m.candleTimeMs = 1_732_237_200_000
        m.referencePrice = dec(6_543_210, 2)
        m.stopLoss = dec(6_400_000, 2)
        m.takeProfits = takeProfits.map { var t = $0; t.clearQty(); return t }
        m.trailing = trailingByDistance
        m.createdMs = 1_732_240_800_010
        m.expiresMs = 1_732_241_100_010
        m.reason = "MACD cross up on 1h, RSI 56.2, 4h trend up"
        m.score = 0.8125
        m.attributes = ["rsi": "56.2", "model": "gbm-2026-11-01"]
        m.entryType = .limit
        m.entryPrice = dec(6_530_000, 2)
        m.breakEvenAfterTarget = 1
        m.indicators = ["rsi": 56.2, "macd_histogram": 12.5]
        return m
    }

    static var approvedOrder: Keel_V1_ApprovedOrder {
        var m = Keel_V1_ApprovedOrder()
        m.orderID = "o-7f3a9c"
        m.intentID = intent.intentID
        m.strategy = "macd-rsi"
        m.symbol = "BTCUSDT"
        m.venue = .bybit
        m.side = .buy
        m.kind = .entry
        m.orderType = .limit
        m.timeInForce = .postOnly
        m.reduceOnly = true
        m.qty = dec(200, 3)
        m.limitPrice = dec(6_543_000, 2)
        m.referencePrice = dec(6_543_210, 2)
        m.leverage = dec(50, 1)
        m.stopLoss = dec(6_400_000, 2)
        m.takeProfits = takeProfits
        m.trailing = trailingByFraction
        m.riskAmount = dec(28_642, 2)
        m.notional = dec(1_308_642, 2)
        m.breakEvenAfterTarget = 1
        m.decidedMs = 1_732_240_800_050
        m.expiresMs = 1_732_241_100_010
        m.rulesVersion = "risk-rules@9d8e7f"
        m.reasons = ["qty capped by max exposure 25%", "leverage capped at 5x"]
        return m
    }

    static var rejection: Keel_V1_Rejection {
        var m = Keel_V1_Rejection()
        m.intentID = intent.intentID
        m.strategy = "macd-rsi"
        m.symbol = "BTCUSDT"
        m.side = .sell
        m.kind = .exit
        m.reasons = [.dailyLossBreaker, .positionExists]
        m.message = "daily loss -3.2% exceeds limit -3.0%"
        m.decidedMs = 1_732_240_800_060
        m.rulesVersion = "risk-rules@9d8e7f"
        return m
    }

    static var orderUpdate: Keel_V1_OrderUpdate {
        var m = Keel_V1_OrderUpdate()
        m.orderID = "o-7f3a9c"
        m.clientOrderID = "keel-o-7f3a9c"
        m.venueOrderID = "1c6b1d7e-0000-4a3b-8c2d-5e6f7a8b9c0d"
        m.intentID = intent.intentID
        m.symbol = "BTCUSDT"
        m.venue = .bybit
        m.side = .buy
        m.orderType = .limit
        m.role = .takeProfit
        m.status = .partiallyFilled
        m.timeInForce = .gtc
        m.reduceOnly = true
        m.qty = dec(200, 3)
        m.price = dec(6_543_000, 2)
        m.triggerPrice = dec(6_550_000, 2)
        m.filledQty = dec(120, 3)
        m.avgFillPrice = dec(6_542_950, 2)
        m.feesPaid = dec(4_711, 5)
        m.rejectReason = "EC_PostOnlyWillTakeLiquidity"
        m.timeMs = 1_732_240_801_000
        m.createdMs = 1_732_240_800_500
        return m
    }

    static var fill: Keel_V1_Fill {
        var m = Keel_V1_Fill()
        m.fillID = "exec-5566"
        m.orderID = "o-7f3a9c"
        m.clientOrderID = "keel-o-7f3a9c"
        m.venueOrderID = "1c6b1d7e-0000-4a3b-8c2d-5e6f7a8b9c0d"
        m.intentID = intent.intentID
        m.symbol = "BTCUSDT"
        m.venue = .bybit
        m.side = .sell
        m.role = .stopLoss
        m.price = dec(6_400_000, 2)
        m.qty = dec(80, 3)
        m.fee = dec(-1_024, 5)
        m.feeCurrency = "USDT"
        m.isMaker = true
        m.realisedPnl = dec(-11_456, 2)
        m.timeMs = 1_732_244_000_000
        return m
    }

    static var position: Keel_V1_PositionSnapshot {
        var m = Keel_V1_PositionSnapshot()
        m.symbol = "BTCUSDT"
        m.venue = .bybit
        m.side = .short
        m.size = dec(200, 3)
        m.avgEntryPrice = dec(6_542_950, 2)
        m.markPrice = dec(6_500_000, 2)
        m.unrealisedPnl = dec(8_590, 2)
        m.realisedPnl = dec(-1_200, 2)
        m.leverage = dec(50, 1)
        m.liquidationPrice = dec(7_800_000, 2)
        m.fundingPaid = dec(-345, 3)
        m.feesPaid = dec(7_852, 4)
        m.margin = dec(261_718, 2)
        m.stopLoss = dec(6_650_000, 2)
        m.takeProfit = dec(6_300_000, 2)
        m.timeMs = 1_732_244_100_000
        m.openedMs = 1_732_240_801_000
        m.sequence = 42
        return m
    }

    static var equity: Keel_V1_EquitySnapshot {
        var m = Keel_V1_EquitySnapshot()
        m.account = "bybit:main"
        m.venue = .bybit
        m.currency = "USDT"
        m.equity = dec(10_085_90, 2)
        m.walletBalance = dec(10_000_00, 2)
        m.availableBalance = dec(7_383_82, 2)
        m.unrealisedPnl = dec(85_90, 2)
        m.marginUsed = dec(2_617_18, 2)
        m.maintenanceMargin = dec(65_43, 2)
        m.timeMs = 1_732_244_100_000
        return m
    }

    static var alert: Keel_V1_Alert {
        var m = Keel_V1_Alert()
        m.alertID = "risk:daily-loss:2026-11-22"
        m.severity = .critical
        m.source = "risk"
        m.title = "Daily-loss breaker tripped"
        m.text = "Daily PnL -3.2% (limit -3.0%); new entries stopped until reset."
        m.symbol = "BTCUSDT"
        m.timeMs = 1_732_244_200_000
        m.labels = ["breaker": "daily_loss", "limit": "-3.0%"]
        return m
    }

    static func command(_ set: (inout Keel_V1_OperatorCommand) -> Void) -> Keel_V1_OperatorCommand {
        var m = Keel_V1_OperatorCommand()
        m.commandID = "cmd-0001"
        m.issuedBy = "telegram:@alice"
        m.reason = "exchange maintenance in 10 minutes"
        m.issuedMs = 1_732_244_300_000
        set(&m)
        return m
    }

    /// One command per case of the `command` oneof.
    static var commands: [Keel_V1_OperatorCommand] {
        [
            command { $0.pause = .init() },
            command { $0.resume = .init() },
            command {
                var reset = Keel_V1_OperatorCommand.ResetBreaker()
                reset.breaker = .drawdown
                $0.resetBreaker = reset
            },
            command { $0.flattenAll = .init() },
            command {
                var close = Keel_V1_OperatorCommand.CloseSymbol()
                close.symbol = "ETHUSDT"
                $0.closeSymbol = close
            },
        ]
    }
}
