import Core
import Indicators

/// Statistics of a set of closed trades (one symbol's, or all of them). A trade is a win when
/// its net PnL is above zero, a loss when below; a trade at exactly zero is neither. Money
/// stays exact; averages are rounded as `Money.average(over:)` says.
public struct TradeStatistics: Sendable, Hashable {
    public let trades: Int
    public let wins: Int
    public let losses: Int
    /// Sum of the winning trades' PnL (≥ 0).
    public let grossProfit: Money
    /// Sum of the losing trades' PnL, as a positive amount (≥ 0).
    public let grossLoss: Money
    /// Sum of every trade's PnL (net of fees and funding).
    public let netProfit: Money
    public let fees: Money
    public let funding: Money
    /// Average PnL per trade (`netProfit / trades`); nil without trades.
    public let expectancy: Money?
    /// `grossProfit / wins`; nil without wins.
    public let averageWin: Money?
    /// The average losing trade's PnL, negative (`−grossLoss / losses`); nil without losses.
    public let averageLoss: Money?
    /// Time with at least one of these trades open, within the equity curve's span.
    public let exposureMilliseconds: Int64
    /// `exposureMilliseconds` over the equity curve's span (0...1); nil when the span is empty.
    public let exposure: Double?

    /// `wins / trades`; nil without trades.
    public var winRate: Double? { trades > 0 ? Double(wins) / Double(trades) : nil }

    /// `grossProfit / grossLoss`; nil when there is no losing trade (the ratio is undefined, or
    /// infinite when there are wins: show it as "∞" or "—", never as a number).
    public var profitFactor: Double? {
        grossLoss.isZero ? nil : grossProfit.value.doubleValue / grossLoss.value.doubleValue
    }

    init(_ trades: [BacktestTrade], span: ClosedRange<Timestamp>) throws {
        let winners = trades.filter { $0.pnl.isPositive }
        let losers = trades.filter { $0.pnl.isNegative }
        self.trades = trades.count
        wins = winners.count
        losses = losers.count
        grossProfit = try winners.map(\.pnl).sum()
        let lost = try losers.map(\.pnl).sum()
        grossLoss = try lost.negated()
        netProfit = try trades.map(\.pnl).sum()
        fees = try trades.map(\.fees).sum()
        funding = try trades.map(\.funding).sum()
        exposureMilliseconds = Exposure.milliseconds(of: trades, within: span)
        let spanMilliseconds = span.upperBound.milliseconds - span.lowerBound.milliseconds
        exposure = spanMilliseconds > 0 ? Double(exposureMilliseconds) / Double(spanMilliseconds) : nil
        expectancy = try netProfit.average(over: trades.count)
        averageWin = try grossProfit.average(over: winners.count)
        averageLoss = try lost.average(over: losers.count)
    }
}
