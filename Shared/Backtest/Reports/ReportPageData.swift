import Core
import Indicators

/// The data the HTML page draws itself from, as one JSON object: the exact figures of
/// `ReportJSON` plus chart series thinned by `ChartDownsampling` (chart coordinates as numbers)
/// and the first trades for the table.
enum ReportPageData {
    static func build(_ report: BacktestReport, maxTradeRows: Int, maxChartPoints: Int) -> [String: Any] {
        let equity = report.equity.map { ChartPoint(time: $0.time.milliseconds, value: $0.equity.value.doubleValue) }
        let symbols = Set(report.bars.keys).union(report.trades.map(\.symbol)).sorted()
        return [
            "title": report.title,
            "settings": ReportJSON.settings(report.settings),
            "metrics": ReportJSON.metrics(report.metrics),
            "monthly_returns": ReportJSON.monthly(report.monthlyReturns),
            "equity": series(ChartDownsampling.extremes(equity, limit: maxChartPoints)),
            "drawdown": series(ChartDownsampling.extremes(drawdown(equity), limit: maxChartPoints)),
            "symbols": symbols.map { symbol(report, $0, maxChartPoints: maxChartPoints) },
            "trades": report.trades.prefix(maxTradeRows).enumerated().map { ReportJSON.trade($1, seq: $0 + 1) },
            "trade_count": report.trades.count,
        ]
    }

    /// The drawdown at each point as a negative fraction of the highest equity so far (0 at a peak).
    static func drawdown(_ equity: [ChartPoint]) -> [ChartPoint] {
        var peak = -Double.infinity
        return equity.map { point in
            peak = max(peak, point.value)
            return ChartPoint(time: point.time, value: peak > 0 ? point.value / peak - 1 : 0)
        }
    }

    /// A symbol's bars `[time, open, high, low, close]` and its trades as markers
    /// `[entry time, entry price, exit time, exit price, side, sign of PnL]`.
    private static func symbol(_ report: BacktestReport, _ symbol: Symbol, maxChartPoints: Int) -> [String: Any] {
        let candles = report.bars[symbol] ?? []
        let bars = ChartDownsampling.bars(candles, limit: maxChartPoints)
        let markers = report.trades.filter { $0.symbol == symbol }.map { trade -> [Any] in
            [
                Int(trade.entryTime.milliseconds), trade.entryPrice.doubleValue, Int(trade.exitTime.milliseconds),
                trade.exitPrice.doubleValue, trade.side.rawValue, trade.pnl.isPositive ? 1 : trade.pnl.isNegative ? -1 : 0,
            ]
        }
        return [
            "symbol": symbol.rawValue,
            "timeframe": candles.first?.timeframe.label ?? "",
            "bars": bars.map { [Int($0.time), $0.open, $0.high, $0.low, $0.close] as [Any] },
            "trades": markers,
        ]
    }

    private static func series(_ points: [ChartPoint]) -> [[Any]] {
        points.map { [Int($0.time), $0.value] }
    }
}
