import Core

/// The figures of a backtest run: returns and drawdowns from the equity curve (the account's,
/// shared by every symbol, so these are for the whole portfolio), and trade statistics in total
/// and per symbol. Definitions are on `ReturnStatistics`, `Drawdown` and `TradeStatistics`.
public struct BacktestMetrics: Sendable, Hashable {
    public let returns: ReturnStatistics
    public let total: TradeStatistics
    /// One entry per symbol that traded.
    public let bySymbol: [Symbol: TradeStatistics]

    /// `equity`: oldest first, strictly increasing times, positive at every point but the last.
    /// Exposure is measured within the curve's span.
    public init(equity: [EquityPoint], trades: [BacktestTrade]) throws {
        guard let first = equity.first, let last = equity.last else { throw MetricsError.emptyEquityCurve }
        for (previous, point) in zip(equity, equity.dropFirst()) where point.time <= previous.time {
            throw MetricsError.timesNotIncreasing(at: point.time)
        }
        if let broke = equity.dropLast().first(where: { !$0.equity.isPositive }) {
            throw MetricsError.nonPositiveEquity(at: broke.time)
        }
        let span = first.time...last.time
        returns = try ReturnStatistics(equity)
        total = try TradeStatistics(trades, span: span)
        var bySymbol: [Symbol: TradeStatistics] = [:]
        for (symbol, trades) in Dictionary(grouping: trades, by: \.symbol) {
            bySymbol[symbol] = try TradeStatistics(trades, span: span)
        }
        self.bySymbol = bySymbol
    }
}

/// An equity curve the metrics cannot be computed from.
public enum MetricsError: Error, Sendable, Hashable, CustomStringConvertible {
    case emptyEquityCurve
    case timesNotIncreasing(at: Timestamp)
    /// Equity at or below zero before the curve's end: later returns are undefined.
    case nonPositiveEquity(at: Timestamp)

    public var description: String {
        switch self {
        case .emptyEquityCurve: return "the equity curve is empty"
        case .timesNotIncreasing(let time): return "the equity curve's times do not increase at \(time)"
        case .nonPositiveEquity(let time): return "equity is at or below zero at \(time), before the curve's end"
        }
    }
}
