import Core

extension Keel_V1_PositionSnapshot {
    /// `exec.positions.v1` for `position` (flat when its side is nil).
    public init(_ position: Position, venue: Keel_V1_Venue, sequence: UInt64, at time: Timestamp) {
        self.init()
        symbol = position.symbol.rawValue
        self.venue = venue
        side = switch position.side {
        case .buy: .long
        case .sell: .short
        case nil: .flat
        }
        size = Keel_V1_Decimal(position.size)
        avgEntryPrice = Keel_V1_Decimal(position.averageEntryPrice)
        realisedPnl = Keel_V1_Decimal(position.realisedPnL)
        leverage = Keel_V1_Decimal(position.leverage)
        timeMs = time.milliseconds
        self.sequence = sequence
    }

    /// The Core position, validated (a flat snapshot is a flat position).
    public func position() throws(SchemaConversionError) -> Position {
        let name = "PositionSnapshot"
        let symbol = try Schemas.symbol(self.symbol, name)
        let side: Side?
        switch self.side {
        case .long: side = .buy
        case .short: side = .sell
        case .flat: side = nil
        case .unspecified, .UNRECOGNIZED: throw SchemaConversionError(message: name, field: "side", reason: "side is \(self.side)")
        }
        let size = Quantity(try self.size.fixedPoint(name, "size"))
        let entry = Price(try avgEntryPrice.fixedPoint(name, "avg_entry_price"))
        let realised = Money(try realisedPnl.fixedPoint(name, "realised_pnl"))
        guard hasLeverage else { throw SchemaConversionError(message: name, field: "leverage", reason: "missing") }
        let leverage = try self.leverage.fixedPoint(name, "leverage")
        return try converting(name) {
            try Position(symbol: symbol, side: side, size: size, averageEntryPrice: entry, realisedPnL: realised, leverage: leverage)
        }
    }
}

extension Keel_V1_EquitySnapshot {
    /// The account's equity, which must be present.
    public func equityValue() throws(SchemaConversionError) -> Money {
        guard hasEquity else { throw SchemaConversionError(message: "EquitySnapshot", field: "equity", reason: "missing") }
        return Money(try equity.fixedPoint("EquitySnapshot", "equity"))
    }
}
