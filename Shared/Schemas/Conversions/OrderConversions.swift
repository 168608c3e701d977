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
        for (index, target) in takeProfits.enumerated() {
            targets.append(Price(try target.price.fixedPoint(name, "take_profits[\(index)].price")))
        }
        return try converting(name) {
            try ApprovedOrder(
                intentID: intentID, symbol: symbol, side: side, kind: kind, quantity: quantity, referencePrice: reference,
                leverage: leverage, stopLoss: stop, takeProfits: targets, reduceOnly: reduceOnly)
        }
    }
}
