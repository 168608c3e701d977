import Core
import ExchangeSimulator

/// A position's life from flat to flat, added up fill by fill into a `BacktestTrade`.
struct RoundTripTally: Sendable {
    let side: Side
    let entryTime: Timestamp
    var enteredQty: Int64 = 0
    var enteredNotional: Int128 = 0
    var exitedQty: Int64 = 0
    var exitedNotional: Int128 = 0
    /// USDT units.
    var fees: Int64 = 0
    var funding: Int64 = 0
    var realisedPnl: Int64 = 0

    init(side: Side, entryTime: Timestamp) {
        self.side = side
        self.entryTime = entryTime
    }

    /// The trade, closed at `exitTime`. Average prices carry four decimals more than the tick.
    func trade(symbol: Symbol, exitTime: Timestamp, instrument: SimulatedInstrument) throws -> BacktestTrade {
        try BacktestTrade(
            symbol: symbol, side: side, entryTime: entryTime, exitTime: exitTime,
            entryPrice: try instrument.averagePriceValue(notional: enteredNotional, qty: enteredQty),
            exitPrice: try instrument.averagePriceValue(notional: exitedNotional, qty: exitedQty),
            quantity: instrument.quantityValue(units: enteredQty),
            fees: try Self.money(fees), funding: try Self.money(funding), pnl: try Self.money(realisedPnl - fees - funding))
    }

    static func money(_ units: Int64) throws -> Money { Money(try FixedPoint(units: units, scale: USDT.scale)) }
}
