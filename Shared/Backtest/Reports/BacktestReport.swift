import Core

/// Everything a finished backtest run shows: what ran (title and settings), its figures, its
/// equity curve and closed trades, and the bars it traded on (for the price charts).
///
/// Render it with `html()`, `tradesCSV()`, `equityCSV()` and `json()`, or all four at once with
/// `write(to:)`; keep it in PostgreSQL with `BacktestRunStore`.
public struct BacktestReport: Sendable {
    public let title: String
    /// Name and value of each run setting (strategy, parameters, fee rates, data source, ...),
    /// in the order they are shown.
    public let settings: [(String, String)]
    public let metrics: BacktestMetrics
    /// Oldest first, as `BacktestMetrics` takes it.
    public let equity: [EquityPoint]
    /// In the order they closed.
    public let trades: [BacktestTrade]
    /// Per symbol its bars, oldest first; may be empty (then there are no price charts).
    public let bars: [Symbol: [Candle]]
    public let monthlyReturns: MonthlyReturns

    /// `metrics` should be the metrics of `equity` and `trades`.
    public init(
        title: String, settings: [(String, String)], metrics: BacktestMetrics, equity: [EquityPoint],
        trades: [BacktestTrade], bars: [Symbol: [Candle]] = [:]
    ) {
        self.title = title
        self.settings = settings
        self.metrics = metrics
        self.equity = equity
        self.trades = trades
        self.bars = bars
        monthlyReturns = MonthlyReturns(equity)
    }

    /// Computes the metrics from `equity` and `trades`; throws `MetricsError` as
    /// `BacktestMetrics(equity:trades:)` does.
    public init(
        title: String, settings: [(String, String)], equity: [EquityPoint], trades: [BacktestTrade],
        bars: [Symbol: [Candle]] = [:]
    ) throws {
        self.init(
            title: title, settings: settings, metrics: try BacktestMetrics(equity: equity, trades: trades), equity: equity,
            trades: trades, bars: bars)
    }
}
