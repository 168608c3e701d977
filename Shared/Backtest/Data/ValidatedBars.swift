import Core

/// One symbol's bars ready for a backtest: oldest first, one per open time, no gaps, every bar
/// on the timeframe's grid; and what was found and repaired on the way.
public struct ValidatedBars: Sendable, Hashable {
    public let symbol: Symbol
    public let timeframe: Timeframe
    public let candles: [Candle]
    /// Every issue found, each marked repaired (none is unrepaired: that refuses the data).
    public let issues: [BarIssue]
}
