import Core

/// Bybit's `orderType`.
enum OrderKind: String, Sendable {
    case market = "Market"
    case limit = "Limit"
}

/// Bybit's `timeInForce`.
enum TimeInForce: String, Sendable {
    case goodTillCancel = "GTC"
    case immediateOrCancel = "IOC"
    case fillOrKill = "FOK"
    case postOnly = "PostOnly"
}

/// Bybit's `orderStatus` (linear).
enum OrderStatus: String, Sendable {
    case new = "New"
    case partiallyFilled = "PartiallyFilled"
    case untriggered = "Untriggered"
    case triggered = "Triggered"
    case filled = "Filled"
    case cancelled = "Cancelled"
    case partiallyFilledCanceled = "PartiallyFilledCanceled"
    case rejected = "Rejected"
    case deactivated = "Deactivated"

    /// Still working: resting on the book or waiting for its trigger.
    var isOpen: Bool { self == .new || self == .partiallyFilled || self == .untriggered }
}

/// Why the engine placed an order itself (Bybit's `stopOrderType`); empty for a client's order.
enum StopOrderType: String, Sendable {
    case none = ""
    case stop = "Stop"
    case takeProfit = "TakeProfit"
    case stopLoss = "StopLoss"
    case trailingStop = "TrailingStop"
}

/// A validated order as the client asked for it.
struct OrderRequest: Sendable {
    var symbol: Symbol
    var side: Side
    var kind: OrderKind
    var qty: Int64
    /// Limit price in ticks; nil for a market order.
    var priceTicks: Int64?
    var timeInForce: TimeInForce
    var reduceOnly: Bool
    var orderLinkId: String
    var takeProfitTicks: Int64?
    var stopLossTicks: Int64?
    /// A conditional order waits until the last price crosses this.
    var triggerTicks: Int64?
    /// 1: triggers when the price rises to `triggerTicks`; 2: when it falls to it.
    var triggerDirection: Int
}

/// One order of an account, as the engine tracks it.
struct EngineOrder: Sendable {
    let orderId: String
    let orderLinkId: String
    let request: OrderRequest
    var status: OrderStatus
    var stopOrderType: StopOrderType = .none
    var cumExecQty: Int64 = 0
    /// Sum of execution notionals (scale `qtyScale + priceScale`).
    var cumExecNotional: Int128 = 0
    /// USDT units.
    var cumExecFee: Int64 = 0
    var rejectReason = "EC_NoError"
    var cancelType = "UNKNOWN"
    let lastPriceOnCreated: Int64
    let createdTime: Timestamp
    var updatedTime: Timestamp

    var symbol: Symbol { request.symbol }
    var side: Side { request.side }
    var leavesQty: Int64 { status.isOpen ? request.qty - cumExecQty : 0 }

    /// Closes the order with whatever it filled: Filled, or cancelled (partially filled or not).
    mutating func finish(at time: Timestamp, cancelType: String = "UNKNOWN") {
        updatedTime = time
        if cumExecQty == request.qty {
            status = .filled
        } else {
            status = cumExecQty > 0 ? .partiallyFilledCanceled : .cancelled
            self.cancelType = cancelType
        }
    }
}

/// A trailing stop on a position: the stop follows the best price by `distance` ticks once the
/// price has reached `activationTicks` (at once without one).
struct TrailingStop: Sendable {
    var distance: Int64
    var activationTicks: Int64?
    /// The best price seen since activation: highest for a long, lowest for a short.
    var extreme: Int64?
}

/// One execution (a fill against one book level, a funding payment, or a liquidation).
struct EngineExecution: Sendable {
    let execId: String
    let symbol: Symbol
    let side: Side
    let qty: Int64
    let priceTicks: Int64
    /// USDT units; negative is a rebate or funding received.
    let fee: Int64
    /// Fraction of the value charged as `fee`.
    let feeRate: FixedPoint
    let execType: String
    let isMaker: Bool
    let orderId: String
    let orderLinkId: String
    /// "Market", "Limit", or "UNKNOWN" for funding.
    let orderType: String
    let orderPriceTicks: Int64
    let orderQty: Int64
    let leavesQty: Int64
    let closedSize: Int64
    let stopOrderType: StopOrderType
    let markTicks: Int64
    let time: Timestamp
    let seq: Int64
}
