import Core

/// The account's equity (balance plus unrealised PnL) at a moment of a backtest.
public struct EquityPoint: Sendable, Hashable, Codable {
    public let time: Timestamp
    public let equity: Money

    public init(time: Timestamp, equity: Money) {
        self.time = time
        self.equity = equity
    }
}
