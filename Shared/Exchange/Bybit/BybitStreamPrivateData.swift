import Core

/// One `order` push item as a Core `Order`. A market order carries no limit price; an order
/// placed without `orderLinkId` is keyed by its `orderId`.
struct BybitStreamOrder: Decodable {
    let order: Order

    enum CodingKeys: String, CodingKey {
        case orderId, orderLinkId, symbol, side, orderType, qty, price, orderStatus, cumExecQty, avgPrice, reduceOnly
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let orderID = try c.bybitString(.orderId)
        let linkID = (try? c.bybitString(.orderLinkId)) ?? ""
        let symbol = try c.bybitSymbol(.symbol)
        let side = try c.bybitSide(.side)
        let typeText = try c.bybitString(.orderType)
        guard let type = ["Market": OrderType.market, "Limit": .limit][typeText] else {
            throw BybitDecodingError(.unknownEnumValue(typeText), field: jsonPath(c.codingPath + [CodingKeys.orderType]))
        }
        let statusText = try c.bybitString(.orderStatus)
        guard let status = OrderStatus(rawValue: statusText) else {
            throw BybitDecodingError(.unknownEnumValue(statusText), field: jsonPath(c.codingPath + [CodingKeys.orderStatus]))
        }
        let quantity = Quantity(try c.bybitDecimal(.qty))
        let price = try c.bybitOptionalDecimal(.price).map(Price.init)
        let filled = Quantity(try c.bybitDecimal(.cumExecQty))
        let average = try c.bybitOptionalDecimal(.avgPrice).map(Price.init)
        let reduceOnly = c.contains(.reduceOnly) ? try c.bybitBool(.reduceOnly) : false
        order = try validated(field: jsonPath(c.codingPath)) {
            try Order(
                exchangeOrderID: orderID, clientOrderID: linkID.isEmpty ? orderID : linkID, symbol: symbol, side: side,
                type: type, quantity: quantity, limitPrice: type == .limit ? price : nil, reduceOnly: reduceOnly,
                status: status, filledQuantity: filled, averagePrice: average.flatMap { $0.isZero ? nil : $0 })
        }
    }
}

/// One `execution` push item as a Core `Fill`. The fee is in the settle coin (USDT) unless
/// `feeCurrency` says otherwise.
struct BybitStreamExecution: Decodable {
    let fill: Fill

    enum CodingKeys: String, CodingKey { case execId, orderId, symbol, side, execPrice, execQty, execFee, feeCurrency, isMaker, execTime }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let id = try c.bybitString(.execId)
        let orderID = try c.bybitString(.orderId)
        let symbol = try c.bybitSymbol(.symbol)
        let side = try c.bybitSide(.side)
        let price = Price(try c.bybitDecimal(.execPrice))
        let quantity = Quantity(try c.bybitDecimal(.execQty))
        let fee = Money(try c.bybitDecimal(.execFee))
        let currency = (try? c.bybitString(.feeCurrency)).flatMap { $0.isEmpty ? nil : $0 } ?? "USDT"
        let isMaker = try c.bybitBool(.isMaker)
        let time = Timestamp(milliseconds: try c.bybitInteger(.execTime))
        fill = try validated(field: jsonPath(c.codingPath)) {
            try Fill(id: id, orderID: orderID, symbol: symbol, side: side, price: price, quantity: quantity,
                     fee: fee, feeCurrency: currency, isMaker: isMaker, time: time)
        }
    }
}

/// One `position` push item as a Core `Position` (side "" or "None" is flat).
struct BybitStreamPosition: Decodable {
    let position: Position

    enum CodingKeys: String, CodingKey { case symbol, side, size, entryPrice, avgPrice, cumRealisedPnl, leverage }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let symbol = try c.bybitSymbol(.symbol)
        let sideText = try c.bybitString(.side)
        let side: Side?
        switch sideText {
        case "Buy": side = .buy
        case "Sell": side = .sell
        case "", "None": side = nil
        default: throw BybitDecodingError(.unknownEnumValue(sideText), field: jsonPath(c.codingPath + [CodingKeys.side]))
        }
        let size = Quantity(try c.bybitDecimal(.size))
        let entry = try c.bybitOptionalDecimal(.entryPrice) ?? c.bybitOptionalDecimal(.avgPrice) ?? .zero
        let realised = Money(try c.bybitDecimal(.cumRealisedPnl))
        let leverage = try c.bybitDecimal(.leverage)
        position = try validated(field: jsonPath(c.codingPath)) {
            try Position(symbol: symbol, side: side, size: size, averageEntryPrice: Price(entry), realisedPnL: realised, leverage: leverage)
        }
    }
}

/// One coin of a `wallet` push.
public struct BybitWalletCoin: Sendable, Hashable, Decodable {
    public let coin: String
    public let equity: Money
    public let walletBalance: Money
    public let unrealisedPnl: Money
    public let cumRealisedPnl: Money

    enum CodingKeys: String, CodingKey { case coin, equity, walletBalance, unrealisedPnl, cumRealisedPnl }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        coin = try c.bybitString(.coin)
        equity = Money(try c.bybitDecimal(.equity))
        walletBalance = Money(try c.bybitDecimal(.walletBalance))
        unrealisedPnl = Money(try c.bybitOptionalDecimal(.unrealisedPnl) ?? .zero)
        cumRealisedPnl = Money(try c.bybitOptionalDecimal(.cumRealisedPnl) ?? .zero)
    }
}

/// One account of a `wallet` push: totals and per-coin balances.
public struct BybitWallet: Sendable, Hashable, Decodable {
    public let accountType: String
    public let totalEquity: Money
    public let totalWalletBalance: Money
    public let totalAvailableBalance: Money
    public let coins: [BybitWalletCoin]

    enum CodingKeys: String, CodingKey { case accountType, totalEquity, totalWalletBalance, totalAvailableBalance, coin }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        accountType = try c.bybitString(.accountType)
        totalEquity = Money(try c.bybitDecimal(.totalEquity))
        totalWalletBalance = Money(try c.bybitDecimal(.totalWalletBalance))
        totalAvailableBalance = Money(try c.bybitDecimal(.totalAvailableBalance))
        coins = try c.decodeIfPresent([BybitWalletCoin].self, forKey: .coin) ?? []
    }
}
