extension SimulatedInstrument {
    /// Quantity units worth about `notional` quote units (USDT) at `priceTicks`: a multiple of
    /// the quantity step, never below the minimum order.
    public func units(worth notional: Int64, atTicks priceTicks: Int64) -> Int64 {
        var scale: Int64 = 1
        for _ in 0..<(Int(priceScale) + Int(qtyScale)) { scale *= 10 }
        let unitValue = max(1, priceTicks * tickUnits)
        let units = notional * scale / unitValue
        let stepped = units / qtyStepUnits * qtyStepUnits
        return max(minOrderQtyUnits, stepped)
    }
}
