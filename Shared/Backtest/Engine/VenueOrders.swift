import Core

/// An order sent to the backtest venue, in the instrument's units (price ticks, quantity units).
public struct VenueOrderRequest: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case market
        case limit(Int64, postOnly: Bool)
    }

    public let clientID: String
    public let symbol: Symbol
    public let side: Side
    public let qty: Int64
    public let kind: Kind
    public let reduceOnly: Bool
    /// Set on the position before an opening fill (hundredths: 10.00x is 1000).
    public let leverageHundredths: Int64?
    /// Put on the position when this order opens it (as an entry's attached TP/SL).
    public let stopLoss: Int64?
    public let takeProfit: Int64?

    public init(
        clientID: String, symbol: Symbol, side: Side, qty: Int64, kind: Kind, reduceOnly: Bool, leverageHundredths: Int64? = nil,
        stopLoss: Int64? = nil, takeProfit: Int64? = nil
    ) {
        self.clientID = clientID
        self.symbol = symbol
        self.side = side
        self.qty = qty
        self.kind = kind
        self.reduceOnly = reduceOnly
        self.leverageHundredths = leverageHundredths
        self.stopLoss = stopLoss
        self.takeProfit = takeProfit
    }
}

/// Something asked of the venue; it takes effect `latencyMs` after it is asked.
public enum VenueAction: Sendable, Hashable {
    case place(VenueOrderRequest)
    case cancel(Symbol, clientID: String)
    case setStopLoss(Symbol, Int64)
    case setTakeProfit(Symbol, Int64?)
    /// Trail `distance` ticks behind the best price since the venue took it.
    case setTrailingStop(Symbol, distance: Int64)

    var symbol: Symbol {
        switch self {
        case .place(let request): request.symbol
        case .cancel(let symbol, _), .setStopLoss(let symbol, _), .setTakeProfit(let symbol, _), .setTrailingStop(let symbol, _): symbol
        }
    }
}

/// An order as the venue keeps it.
struct VenueOrderState: Sendable {
    let request: VenueOrderRequest
    /// Nil until the order reaches the venue.
    var status: OrderStatus?
    var filled: Int64 = 0
    var updatedAt: Timestamp?
    var rejectReason: String?

    var leaves: Int64 { request.qty - filled }
    var isResting: Bool { status == .new || status == .partiallyFilled }
}

/// Why a fill happened.
public enum FillCause: Sendable, Hashable, CustomStringConvertible {
    case order(String)
    case stopLoss
    case takeProfit
    case trailingStop
    /// Taken over at the bankruptcy price, no fee.
    case liquidation

    public var description: String {
        switch self {
        case .order(let id): "order \(id)"
        case .stopLoss: "stop-loss"
        case .takeProfit: "take-profit"
        case .trailingStop: "trailing stop"
        case .liquidation: "liquidation"
        }
    }
}

/// One execution on the backtest venue. `fee` is in USDT units of 10^-8 (negative: a rebate).
public struct VenueFill: Sendable, Hashable {
    public let time: Timestamp
    public let symbol: Symbol
    public let side: Side
    public let qty: Int64
    public let price: Int64
    public let fee: Int64
    public let isMaker: Bool
    public let cause: FillCause
    /// PnL the fill realised, before its fee (USDT units).
    public let realisedPnl: Int64
}

/// A funding settlement: `amount` USDT units paid by the position (negative: received).
public struct FundingPayment: Sendable, Hashable {
    public let time: Timestamp
    public let symbol: Symbol
    public let rate: FixedPoint
    public let price: Int64
    public let amount: Int64
}
