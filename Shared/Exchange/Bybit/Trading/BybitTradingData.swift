import Core
import Foundation

/// `POST /v5/order/create` and `/v5/order/cancel` result: `{orderId, orderLinkId}`.
public struct BybitOrderAck: Sendable, Hashable, Decodable {
    public let orderID: String
    public let orderLinkID: String

    enum CodingKeys: String, CodingKey { case orderId, orderLinkId }

    public init(orderID: String, orderLinkID: String) {
        self.orderID = orderID
        self.orderLinkID = orderLinkID
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        orderID = try c.bybitString(.orderId)
        orderLinkID = try c.bybitString(.orderLinkId)
    }
}

/// One order from `GET /v5/order/realtime` (and the private `order` stream).
public struct BybitOrderRecord: Sendable, Hashable, Decodable {
    public let orderID: String
    public let orderLinkID: String
    public let symbol: Symbol
    public let side: Side
    public let type: OrderType
    /// Limit price; for a market order Bybit's slippage-protection price, if any.
    public let price: Price?
    public let quantity: Quantity
    public let status: OrderStatus
    public let averagePrice: Price?
    public let executedQuantity: Quantity
    public let timeInForce: String
    public let reduceOnly: Bool
    public let triggerPrice: Price?
    public let takeProfit: Price?
    public let stopLoss: Price?
    public let rejectReason: String?
    public let createdTime: Timestamp
    public let updatedTime: Timestamp

    enum CodingKeys: String, CodingKey {
        case orderId, orderLinkId, symbol, side, orderType, price, qty, orderStatus, avgPrice, cumExecQty
        case timeInForce, reduceOnly, triggerPrice, takeProfit, stopLoss, rejectReason, createdTime, updatedTime
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        orderID = try c.bybitString(.orderId)
        orderLinkID = try c.bybitString(.orderLinkId)
        symbol = try c.bybitSymbol(.symbol)
        side = try c.bybitSide(.side)
        type = try c.bybitEnum(.orderType, ["Market": OrderType.market, "Limit": .limit])
        price = try c.bybitOptionalNonZero(.price).map(Price.init)
        quantity = Quantity(try c.bybitDecimal(.qty))
        status = try c.bybitEnum(.orderStatus, Self.statuses)
        averagePrice = try c.bybitOptionalNonZero(.avgPrice).map(Price.init)
        executedQuantity = Quantity(try c.bybitDecimal(.cumExecQty))
        timeInForce = try c.bybitString(.timeInForce)
        reduceOnly = try c.bybitBool(.reduceOnly)
        triggerPrice = try c.bybitOptionalNonZero(.triggerPrice).map(Price.init)
        takeProfit = try c.bybitOptionalNonZero(.takeProfit).map(Price.init)
        stopLoss = try c.bybitOptionalNonZero(.stopLoss).map(Price.init)
        let reason = c.contains(.rejectReason) ? try c.bybitString(.rejectReason) : ""
        rejectReason = reason.isEmpty || reason == "EC_NoError" ? nil : reason
        createdTime = Timestamp(milliseconds: try c.bybitInteger(.createdTime))
        updatedTime = Timestamp(milliseconds: try c.bybitInteger(.updatedTime))
    }

    /// Bybit's `orderStatus` values; "PartiallyFilledCanceled" (what filled stays, the rest
    /// was cancelled) is Cancelled with a filled quantity.
    static let statuses = Dictionary(uniqueKeysWithValues: OrderStatus.allCases.map { ($0.rawValue, $0) })
        .merging(["PartiallyFilledCanceled": .cancelled]) { first, _ in first }

    /// The order as Keel's `Order` (client id = `orderLinkId`).
    public func order() throws -> Order {
        try Order(
            exchangeOrderID: orderID, clientOrderID: orderLinkID, symbol: symbol, side: side, type: type,
            quantity: quantity, limitPrice: type == .limit ? price : nil, reduceOnly: reduceOnly, status: status,
            filledQuantity: executedQuantity, averagePrice: averagePrice)
    }
}

/// A page of orders: `{category, list, nextPageCursor}`.
public struct BybitOrdersPage: Sendable, Hashable, Decodable {
    public let orders: [BybitOrderRecord]
    /// nil on the last page.
    public let nextPageCursor: String?

    enum CodingKeys: String, CodingKey { case list, nextPageCursor }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        orders = try c.decode([BybitOrderRecord].self, forKey: .list)
        nextPageCursor = try c.bybitCursor(.nextPageCursor)
    }
}

/// One row of `GET /v5/position/list` (one-way mode).
public struct BybitPositionRecord: Sendable, Hashable, Decodable {
    public let symbol: Symbol
    /// nil when flat (Bybit sends "").
    public let side: Side?
    public let size: Quantity
    public let averagePrice: Price
    public let leverage: FixedPoint
    public let markPrice: Price
    public let liquidationPrice: Price?
    public let takeProfit: Price?
    public let stopLoss: Price?
    public let trailingStop: Price?
    public let unrealisedPnL: Money
    public let cumulativeRealisedPnL: Money
    public let updatedTime: Timestamp

    enum CodingKeys: String, CodingKey {
        case symbol, side, size, avgPrice, leverage, markPrice, liqPrice, takeProfit, stopLoss, trailingStop
        case unrealisedPnl, cumRealisedPnl, updatedTime
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        symbol = try c.bybitSymbol(.symbol)
        let sideName = try c.bybitString(.side)
        if sideName.isEmpty || sideName == "None" {
            side = nil
        } else {
            side = try c.bybitSide(.side)
        }
        size = Quantity(try c.bybitDecimal(.size))
        averagePrice = Price(try c.bybitOptionalDecimal(.avgPrice) ?? .zero)
        leverage = try c.bybitOptionalDecimal(.leverage) ?? FixedPoint(integer: 1)
        markPrice = Price(try c.bybitOptionalDecimal(.markPrice) ?? .zero)
        liquidationPrice = try c.bybitOptionalNonZero(.liqPrice).map(Price.init)
        takeProfit = try c.bybitOptionalNonZero(.takeProfit).map(Price.init)
        stopLoss = try c.bybitOptionalNonZero(.stopLoss).map(Price.init)
        trailingStop = try c.bybitOptionalNonZero(.trailingStop).map(Price.init)
        unrealisedPnL = Money(try c.bybitOptionalDecimal(.unrealisedPnl) ?? .zero)
        cumulativeRealisedPnL = Money(try c.bybitOptionalDecimal(.cumRealisedPnl) ?? .zero)
        updatedTime = Timestamp(milliseconds: try c.bybitInteger(.updatedTime))
    }

    /// The position as Keel's `Position`.
    public func position() throws -> Position {
        try Position(
            symbol: symbol, side: size.isZero ? nil : side, size: size, averageEntryPrice: averagePrice,
            realisedPnL: cumulativeRealisedPnL, leverage: leverage)
    }
}

public struct BybitPositionsPage: Sendable, Hashable, Decodable {
    public let positions: [BybitPositionRecord]
    public let nextPageCursor: String?

    enum CodingKeys: String, CodingKey { case list, nextPageCursor }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        positions = try c.decode([BybitPositionRecord].self, forKey: .list)
        nextPageCursor = try c.bybitCursor(.nextPageCursor)
    }
}

/// One coin of a unified account.
public struct BybitCoinBalance: Sendable, Hashable, Decodable {
    public let coin: String
    public let equity: Money
    public let walletBalance: Money
    public let unrealisedPnL: Money
    public let cumulativeRealisedPnL: Money

    enum CodingKeys: String, CodingKey { case coin, equity, walletBalance, unrealisedPnl, cumRealisedPnl }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        coin = try c.bybitString(.coin)
        equity = Money(try c.bybitDecimal(.equity))
        walletBalance = Money(try c.bybitDecimal(.walletBalance))
        unrealisedPnL = Money(try c.bybitOptionalDecimal(.unrealisedPnl) ?? .zero)
        cumulativeRealisedPnL = Money(try c.bybitOptionalDecimal(.cumRealisedPnl) ?? .zero)
    }
}

/// One account of `GET /v5/account/wallet-balance`.
public struct BybitWalletBalance: Sendable, Hashable, Decodable {
    public let accountType: String
    public let totalEquity: Money
    public let totalWalletBalance: Money
    public let totalAvailableBalance: Money
    public let totalInitialMargin: Money
    public let totalPerpUPL: Money
    public let coins: [BybitCoinBalance]

    enum CodingKeys: String, CodingKey {
        case accountType, totalEquity, totalWalletBalance, totalAvailableBalance, totalInitialMargin, totalPerpUPL, coin
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        accountType = try c.bybitString(.accountType)
        totalEquity = Money(try c.bybitDecimal(.totalEquity))
        totalWalletBalance = Money(try c.bybitDecimal(.totalWalletBalance))
        totalAvailableBalance = Money(try c.bybitOptionalDecimal(.totalAvailableBalance) ?? .zero)
        totalInitialMargin = Money(try c.bybitOptionalDecimal(.totalInitialMargin) ?? .zero)
        totalPerpUPL = Money(try c.bybitOptionalDecimal(.totalPerpUPL) ?? .zero)
        coins = try c.decode([BybitCoinBalance].self, forKey: .coin)
    }

    public func coin(_ name: String) -> BybitCoinBalance? { coins.first { $0.coin == name } }
}

struct BybitWalletResult: Sendable, Decodable {
    let list: [BybitWalletBalance]
}

/// `GET /v5/user/query-api`: what the key may do.
public struct BybitAPIKeyInfo: Sendable, Hashable, Decodable {
    public let apiKey: String
    public let readOnly: Bool
    /// Permission groups, e.g. `ContractTrade: ["Order", "Position"]`.
    public let permissions: [String: [String]]
    public let userID: Int64

    enum CodingKeys: String, CodingKey { case apiKey, readOnly, permissions, userID }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiKey = try c.bybitString(.apiKey)
        let flag = try c.bybitInteger(.readOnly)
        guard flag == 0 || flag == 1 else {
            throw BybitDecodingError(.unknownEnumValue(String(flag)), field: jsonPath(c.codingPath + [CodingKeys.readOnly]))
        }
        readOnly = flag == 1
        permissions = try c.decode([String: [String]].self, forKey: .permissions)
        userID = try c.bybitInteger(.userID)
    }

    /// True when the key may place and cancel linear orders and manage positions.
    public var canTradeLinear: Bool {
        let contract = permissions["ContractTrade"] ?? []
        return !readOnly && contract.contains("Order") && contract.contains("Position")
    }
}

/// One page of `GET /v5/execution/list`: executions of orders as Core `Fill`s and funding
/// settlements, newest first.
public struct BybitExecutionsPage: Sendable, Hashable, Decodable {
    public let fills: [Fill]
    public let funding: [FundingPayment]
    /// nil on the last page.
    public let nextPageCursor: String?

    enum CodingKeys: String, CodingKey { case list, nextPageCursor }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let executions = try c.decode([BybitStreamExecution].self, forKey: .list)
        fills = executions.compactMap(\.fill)
        funding = executions.compactMap(\.funding)
        nextPageCursor = try c.bybitCursor(.nextPageCursor)
    }
}

extension KeyedDecodingContainer {
    /// A page's `nextPageCursor`: nil on the last page (absent or "").
    func bybitCursor(_ key: Key) throws -> String? {
        let cursor = contains(key) ? try bybitString(key) : ""
        return cursor.isEmpty ? nil : cursor
    }
}
