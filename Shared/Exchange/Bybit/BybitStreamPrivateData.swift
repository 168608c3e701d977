import Core

/// One `execution` push item as a Core `Fill`. The fee is in the settle coin (USDT) unless
/// `feeCurrency` says otherwise. Executions of no order are not fills: a funding settlement
/// (`execType` Funding) is a `FundingPayment` (its fee is what was paid), anything else of no
/// order is neither.
struct BybitStreamExecution: Decodable {
    let fill: Fill?
    let funding: FundingPayment?

    enum CodingKeys: String, CodingKey {
        case execId, orderId, symbol, side, execPrice, execQty, execFee, feeCurrency, isMaker, execTime, execType, stopOrderType
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let id = try c.bybitString(.execId)
        let orderID = try c.bybitString(.orderId)
        guard !orderID.isEmpty else {
            fill = nil
            let type = c.contains(.execType) ? try c.bybitString(.execType) : ""
            guard type == "Funding" else {
                funding = nil
                return
            }
            let symbol = try c.bybitSymbol(.symbol)
            let paid = Money(try c.bybitDecimal(.execFee))
            let time = Timestamp(milliseconds: try c.bybitInteger(.execTime))
            funding = try validated(field: jsonPath(c.codingPath)) { try FundingPayment(id: id, symbol: symbol, paid: paid, time: time) }
            return
        }
        funding = nil
        let symbol = try c.bybitSymbol(.symbol)
        let side = try c.bybitSide(.side)
        let price = Price(try c.bybitDecimal(.execPrice))
        let quantity = Quantity(try c.bybitDecimal(.execQty))
        let fee = Money(try c.bybitDecimal(.execFee))
        let currency = (try? c.bybitString(.feeCurrency)).flatMap { $0.isEmpty ? nil : $0 } ?? "USDT"
        let isMaker = try c.bybitBool(.isMaker)
        let time = Timestamp(milliseconds: try c.bybitInteger(.execTime))
        let stop = Self.venueStop(c.contains(.stopOrderType) ? try c.bybitString(.stopOrderType) : "")
        fill = try validated(field: jsonPath(c.codingPath)) {
            try Fill(id: id, orderID: orderID, symbol: symbol, side: side, price: price, quantity: quantity,
                     fee: fee, feeCurrency: currency, isMaker: isMaker, time: time, venueStop: stop)
        }
    }

    /// Bybit's `stopOrderType` for a position's own stops (the partial TP/SL mode's too); any
    /// other (a conditional order Keel placed, "UNKNOWN", "") is nil.
    static func venueStop(_ stopOrderType: String) -> VenueStop? {
        switch stopOrderType {
        case "StopLoss", "PartialStopLoss": .stopLoss
        case "TakeProfit", "PartialTakeProfit": .takeProfit
        case "TrailingStop": .trailingStop
        default: nil
        }
    }
}

/// One `position` push item as a Core `Position` (side "" or "None" is flat).
struct BybitStreamPosition: Decodable {
    let update: BybitPositionUpdate

    enum CodingKeys: String, CodingKey { case symbol, side, size, entryPrice, avgPrice, cumRealisedPnl, leverage, updatedTime }

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
        let position = try validated(field: jsonPath(c.codingPath)) {
            try Position(symbol: symbol, side: side, size: size, averageEntryPrice: Price(entry), realisedPnL: realised, leverage: leverage)
        }
        let updated = c.contains(.updatedTime) ? Timestamp(milliseconds: try c.bybitInteger(.updatedTime)) : nil
        update = BybitPositionUpdate(position: position, updatedTime: updated)
    }
}
