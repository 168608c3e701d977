import Core

/// Bybit's names for Keel's enums on the wire.
extension Side {
    /// `Buy` / `Sell`.
    public var bybitName: String { self == .buy ? "Buy" : "Sell" }

    public init?(bybitName: String) {
        switch bybitName {
        case "Buy": self = .buy
        case "Sell": self = .sell
        default: return nil
        }
    }
}

/// The price a TP, SL or conditional trigger watches.
public enum BybitTriggerPrice: String, Sendable, Hashable, CaseIterable {
    case lastPrice = "LastPrice"
    case markPrice = "MarkPrice"
    case indexPrice = "IndexPrice"
}

public enum BybitTimeInForce: String, Sendable, Hashable, CaseIterable {
    case goodTillCancel = "GTC"
    case immediateOrCancel = "IOC"
    case fillOrKill = "FOK"
    case postOnly = "PostOnly"
}

/// An order refused before it was built: the field and why.
public struct BybitOrderRequestError: Error, Sendable, Hashable, CustomStringConvertible {
    public let field: String
    public let reason: String
    public var description: String { "order request \(field): \(reason)" }
}

/// A linear one-way-mode order for `POST /v5/order/create`. `orderLinkID` is required: it is what
/// makes a create safe to resolve and retry (Bybit refuses a second order with the same id).
public struct BybitOrderRequest: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// A market order (always IOC at Bybit). `referencePrice` (the mark or the opposite best
        /// price) values it for the minimum-notional rule before it is sent.
        case market(referencePrice: Price)
        case limit(price: Price, timeInForce: BybitTimeInForce)
    }

    /// A conditional order: rests `Untriggered` until `triggerBy` crosses `price` in `direction`.
    public struct Trigger: Sendable, Hashable {
        public enum Direction: Int64, Sendable, Hashable {
            case rise = 1
            case fall = 2
        }

        public let price: Price
        public let direction: Direction
        public let triggerBy: BybitTriggerPrice

        public init(price: Price, direction: Direction, triggerBy: BybitTriggerPrice = .lastPrice) {
            self.price = price
            self.direction = direction
            self.triggerBy = triggerBy
        }
    }

    public let symbol: Symbol
    public let side: Side
    public let quantity: Quantity
    public let kind: Kind
    public let orderLinkID: String
    public let reduceOnly: Bool
    public let takeProfit: Price?
    public let stopLoss: Price?
    public let protectionTriggerBy: BybitTriggerPrice
    public let trigger: Trigger?

    public init(
        symbol: Symbol, side: Side, quantity: Quantity, kind: Kind, orderLinkID: String, reduceOnly: Bool = false,
        takeProfit: Price? = nil, stopLoss: Price? = nil, protectionTriggerBy: BybitTriggerPrice = .lastPrice,
        trigger: Trigger? = nil
    ) throws(BybitOrderRequestError) {
        guard StableID.isValidClientOrderID(orderLinkID) else {
            throw BybitOrderRequestError(
                field: "orderLinkId", reason: "\(String(reflecting: orderLinkID)) is not 1...36 characters of [A-Za-z0-9_-]")
        }
        guard quantity.isPositive else {
            throw BybitOrderRequestError(field: "qty", reason: "\(quantity) must be greater than zero")
        }
        if reduceOnly, takeProfit != nil || stopLoss != nil {
            throw BybitOrderRequestError(field: "reduceOnly", reason: "a reduce-only order cannot carry a take-profit or stop-loss")
        }
        for (field, price) in [("takeProfit", takeProfit), ("stopLoss", stopLoss), ("triggerPrice", trigger?.price)] {
            if let price, !price.isPositive {
                throw BybitOrderRequestError(field: field, reason: "\(price) must be greater than zero")
            }
        }
        self.symbol = symbol
        self.side = side
        self.quantity = quantity
        self.kind = kind
        self.orderLinkID = orderLinkID
        self.reduceOnly = reduceOnly
        self.takeProfit = takeProfit
        self.stopLoss = stopLoss
        self.protectionTriggerBy = protectionTriggerBy
        self.trigger = trigger
    }

    /// What the instrument rules check before the order is sent.
    public var check: BybitOrderCheck {
        switch kind {
        case .market(let reference): return BybitOrderCheck(side: side, quantity: quantity, kind: .market(referencePrice: reference))
        case .limit(let price, _): return BybitOrderCheck(side: side, quantity: quantity, kind: .limit(price: price))
        }
    }

    /// The create body, in Bybit's documented field order.
    public var body: BybitRequestBody {
        var body = BybitRequestBody([
            ("category", .string("linear")),
            ("symbol", .string(symbol.rawValue)),
            ("side", .string(side.bybitName)),
        ])
        switch kind {
        case .market:
            body.append("orderType", .string("Market"))
            body.append("qty", .string(quantity.description))
        case .limit(let price, let timeInForce):
            body.append("orderType", .string("Limit"))
            body.append("qty", .string(quantity.description))
            body.append("price", .string(price.description))
            body.append("timeInForce", .string(timeInForce.rawValue))
        }
        body.append("positionIdx", .integer(0))
        body.append("orderLinkId", .string(orderLinkID))
        if reduceOnly { body.append("reduceOnly", .bool(true)) }
        if let trigger {
            body.append("triggerPrice", .string(trigger.price.description))
            body.append("triggerDirection", .integer(trigger.direction.rawValue))
            body.append("triggerBy", .string(trigger.triggerBy.rawValue))
        }
        if let takeProfit {
            body.append("takeProfit", .string(takeProfit.description))
            body.append("tpTriggerBy", .string(protectionTriggerBy.rawValue))
        }
        if let stopLoss {
            body.append("stopLoss", .string(stopLoss.description))
            body.append("slTriggerBy", .string(protectionTriggerBy.rawValue))
        }
        if takeProfit != nil || stopLoss != nil { body.append("tpslMode", .string("Full")) }
        return body
    }
}
