import Core

extension Keel_V1_ApprovedOrder {
    /// The approved order; `SchemaConversionError` names the field that is missing or wrong.
    public func approvedOrder() throws(SchemaConversionError) -> ApprovedOrder {
        let name = "ApprovedOrder"
        let kind = try self.kind.intentKind(name)
        let symbol = try Schemas.symbol(self.symbol, name)
        let side = try self.side.side(name)
        for (field, present) in [("qty", hasQty), ("reference_price", hasReferencePrice), ("leverage", hasLeverage)] where !present {
            throw SchemaConversionError(message: name, field: field, reason: "missing")
        }
        let quantity = Quantity(try qty.fixedPoint(name, "qty"))
        let reference = Price(try referencePrice.fixedPoint(name, "reference_price"))
        let leverage = try self.leverage.fixedPoint(name, "leverage")
        let stop = hasStopLoss ? Price(try stopLoss.fixedPoint(name, "stop_loss")) : nil
        var targets: [Price] = []
        var quantities: [Quantity] = []
        for (index, target) in takeProfits.enumerated() {
            targets.append(Price(try target.price.fixedPoint(name, "take_profits[\(index)].price")))
            if target.hasQty { quantities.append(Quantity(try target.qty.fixedPoint(name, "take_profits[\(index)].qty"))) }
        }
        guard quantities.isEmpty || quantities.count == targets.count else {
            throw SchemaConversionError(message: name, field: "take_profits", reason: "qty set on some targets only")
        }
        let entry: EntryOrder
        switch orderType {
        case .unspecified, .market: entry = .market
        case .limit:
            guard hasLimitPrice else { throw SchemaConversionError(message: name, field: "limit_price", reason: "missing for a LIMIT order") }
            entry = .limit(Price(try limitPrice.fixedPoint(name, "limit_price")))
        case .UNRECOGNIZED(let value):
            throw SchemaConversionError(message: name, field: "order_type", reason: "unknown value \(value)")
        }
        let trailing = hasTrailing ? try self.trailing.rule(name) : nil
        return try converting(name) {
            try ApprovedOrder(
                intentID: intentID, symbol: symbol, side: side, kind: kind, quantity: quantity, referencePrice: reference,
                leverage: leverage, stopLoss: stop, takeProfits: targets, reduceOnly: reduceOnly,
                takeProfitQuantities: quantities, entry: entry, trailing: trailing,
                breakEvenAfterTarget: Int(breakEvenAfterTarget), expiresAt: expiresMs == 0 ? nil : Timestamp(milliseconds: expiresMs))
        }
    }
}
