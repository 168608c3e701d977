import Core

/// Round trips read off an account's fills, as `BacktestTrade`s, so that what a live or paper
/// account traded can be put beside a backtest's trades. A trip runs from a symbol's first fill
/// out of flat to the fill that makes it flat again: entry and exit times are those fills',
/// prices the quantity-weighted averages of the opening and the closing fills (four decimals
/// finer than the fills'), PnL the notional sold less the notional bought (exact for a linear
/// contract over a trip that ends flat) less the fees. Funding is not attributed (zero), and
/// fills of a trip still open are left out.
public enum FillRoundTrips {
    /// `fills` in the order they happened; the trips in the order they closed.
    public static func trades(_ fills: [Fill]) throws -> [BacktestTrade] {
        var open: [Symbol: Trip] = [:]
        var trades: [BacktestTrade] = []
        for fill in fills {
            var trip = open[fill.symbol] ?? Trip(side: fill.side, entryTime: fill.time)
            try trip.add(fill)
            if try trip.position.isZero {
                trades.append(try trip.trade(symbol: fill.symbol, exitTime: fill.time))
                open[fill.symbol] = nil
            } else {
                open[fill.symbol] = trip
            }
        }
        return trades
    }

    private struct Trip {
        let side: Side
        let entryTime: Timestamp
        var entered = Quantity.zero
        var enteredNotional = Money.zero
        var exited = Quantity.zero
        var exitedNotional = Money.zero
        var fees = Money.zero
        var priceScale: UInt8 = 0

        init(side: Side, entryTime: Timestamp) {
            self.side = side
            self.entryTime = entryTime
        }

        /// What the trip still holds.
        var position: Quantity { get throws { try entered - exited } }

        mutating func add(_ fill: Fill) throws {
            let notional = try fill.price * fill.quantity
            if fill.side == side {
                entered = try entered + fill.quantity
                enteredNotional = try enteredNotional + notional
            } else {
                guard try fill.quantity <= position else {
                    throw RecordValidationError(
                        record: "Fill", field: "quantity",
                        reason: "fill \(fill.id) \(fill.side) \(fill.quantity) \(fill.symbol) goes through flat (\(try position) held)")
                }
                exited = try exited + fill.quantity
                exitedNotional = try exitedNotional + notional
            }
            fees = try fees + fill.fee
            priceScale = max(priceScale, fill.price.scale)
        }

        func trade(symbol: Symbol, exitTime: Timestamp) throws -> BacktestTrade {
            let gross = try side == .buy ? exitedNotional - enteredNotional : enteredNotional - exitedNotional
            return try BacktestTrade(
                symbol: symbol, side: side, entryTime: entryTime, exitTime: exitTime,
                entryPrice: try average(enteredNotional, entered), exitPrice: try average(exitedNotional, exited), quantity: entered,
                fees: fees, funding: .zero, pnl: try gross - fees)
        }

        func average(_ notional: Money, _ quantity: Quantity) throws -> Price {
            Price(try notional.value.divided(by: quantity.value, scale: priceScale + 4, rounding: .nearest))
        }
    }
}
