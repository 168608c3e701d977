import Core

/// A closed round trip of a backtest: a position opened and closed again.
public struct BacktestTrade: Sendable, Hashable, Codable {
    public let symbol: Symbol
    /// The entry's side: `.buy` for a long, `.sell` for a short.
    public let side: Side
    public let entryTime: Timestamp
    public let exitTime: Timestamp
    /// Average entry and exit prices.
    public let entryPrice: Price
    public let exitPrice: Price
    public let quantity: Quantity
    /// Fees paid over the trade (negative: rebates received).
    public let fees: Money
    /// Funding paid while the position was open (negative: funding received).
    public let funding: Money
    /// Realised PnL net of fees and funding; negative is a loss.
    public let pnl: Money

    /// Throws `RecordValidationError` when the exit is before the entry or the quantity is not positive.
    public init(
        symbol: Symbol, side: Side, entryTime: Timestamp, exitTime: Timestamp, entryPrice: Price, exitPrice: Price,
        quantity: Quantity, fees: Money, funding: Money, pnl: Money
    ) throws {
        guard entryTime <= exitTime else {
            throw RecordValidationError(record: "BacktestTrade", field: "exitTime", reason: "exit \(exitTime) is before entry \(entryTime)")
        }
        guard quantity.isPositive else {
            throw RecordValidationError(record: "BacktestTrade", field: "quantity", reason: "quantity \(quantity) is not positive")
        }
        self.symbol = symbol
        self.side = side
        self.entryTime = entryTime
        self.exitTime = exitTime
        self.entryPrice = entryPrice
        self.exitPrice = exitPrice
        self.quantity = quantity
        self.fees = fees
        self.funding = funding
        self.pnl = pnl
    }
}
