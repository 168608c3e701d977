import Core
import ExchangeSimulator

extension SimulatedInstrument {
    /// `price` in whole ticks; throws `BacktestConfigurationError` when it is off the tick.
    public func ticks(_ price: Price) throws -> Int64 {
        guard let units = try? price.value.rescaled(to: priceScale).units, units % tickUnits == 0 else {
            throw BacktestConfigurationError(field: "data", reason: "\(symbol) price \(price) is not on its tick \(self.price(ticks: 1))")
        }
        return units / tickUnits
    }

    /// `quantity` in units of `qtyScale`; throws `BacktestConfigurationError` when it is finer.
    public func units(_ quantity: Quantity) throws -> Int64 {
        guard let units = try? quantity.value.rescaled(to: qtyScale).units else {
            throw BacktestConfigurationError(field: "data", reason: "\(symbol) quantity \(quantity) has more than \(qtyScale) decimals")
        }
        return units
    }

    /// `notional / qty` with four decimals more than the tick, as the simulator shows average prices.
    func averagePriceValue(notional: Int128, qty: Int64) throws -> Price {
        Price(try FixedPoint(parsing: averagePrice(notional: notional, qty: qty)))
    }

    func priceValue(ticks: Int64) -> Price { Price(try! FixedPoint(units: ticks * tickUnits, scale: priceScale)) }

    func quantityValue(units: Int64) -> Quantity { Quantity(try! FixedPoint(units: units, scale: qtyScale)) }
}
