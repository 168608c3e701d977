import Core
import Foundation

/// The report's parts as JSON values, shared by `json()`, the HTML page's data and the run
/// store: money, prices and quantities as their exact decimal text, ratios as numbers (null
/// when undefined), times as ISO-8601 UTC text beside epoch milliseconds. Keys are snake_case.
enum ReportJSON {
    static func settings(_ settings: [(String, String)]) -> [[String: Any]] {
        settings.map { ["name": $0.0, "value": $0.1] }
    }

    static func metrics(_ metrics: BacktestMetrics) -> [String: Any] {
        [
            "returns": returns(metrics.returns),
            "total": tradeStatistics(metrics.total),
            "by_symbol": Dictionary(uniqueKeysWithValues: metrics.bySymbol.map { ($0.key.rawValue, tradeStatistics($0.value)) }),
        ]
    }

    static func returns(_ returns: ReturnStatistics) -> [String: Any] {
        [
            "start_equity": returns.startEquity.description,
            "end_equity": returns.endEquity.description,
            "net_profit": returns.netProfit.description,
            "total_return": number(returns.totalReturn),
            "annualised_return": number(returns.annualisedReturn),
            "periods_per_year": number(returns.periodsPerYear),
            "sharpe": number(returns.sharpe),
            "sortino": number(returns.sortino),
            "calmar": number(returns.calmar),
            "max_drawdown": number(returns.drawdown.maximum),
            "max_drawdown_amount": returns.drawdown.maximumAmount.description,
            "max_drawdown_duration_ms": Int(returns.drawdown.maximumDuration),
            "longest_drawdown_duration_ms": Int(returns.drawdown.longestDuration),
        ]
    }

    static func tradeStatistics(_ statistics: TradeStatistics) -> [String: Any] {
        [
            "trades": statistics.trades,
            "wins": statistics.wins,
            "losses": statistics.losses,
            "win_rate": number(statistics.winRate),
            "profit_factor": number(statistics.profitFactor),
            "gross_profit": statistics.grossProfit.description,
            "gross_loss": statistics.grossLoss.description,
            "net_profit": statistics.netProfit.description,
            "fees": statistics.fees.description,
            "funding": statistics.funding.description,
            "expectancy": text(statistics.expectancy),
            "average_win": text(statistics.averageWin),
            "average_loss": text(statistics.averageLoss),
            "exposure": number(statistics.exposure),
            "exposure_ms": Int(statistics.exposureMilliseconds),
        ]
    }

    static func monthly(_ returns: MonthlyReturns) -> [String: Any] {
        [
            "months": returns.months.map { month -> [String: Any] in
                [
                    "year": month.year, "month": month.month, "return": number(month.value),
                    "start_equity": month.startEquity.description, "end_equity": month.endEquity.description,
                ]
            },
            "years": returns.years.map { ["year": $0.year, "return": number($0.value)] as [String: Any] },
        ]
    }

    /// `seq`: the trade's position in the run, from 1.
    static func trade(_ trade: BacktestTrade, seq: Int) -> [String: Any] {
        [
            "seq": seq,
            "symbol": trade.symbol.rawValue,
            "side": trade.side.rawValue,
            "entry_time": trade.entryTime.description,
            "entry_time_ms": Int(trade.entryTime.milliseconds),
            "exit_time": trade.exitTime.description,
            "exit_time_ms": Int(trade.exitTime.milliseconds),
            "entry_price": trade.entryPrice.description,
            "exit_price": trade.exitPrice.description,
            "quantity": trade.quantity.description,
            "fees": trade.fees.description,
            "funding": trade.funding.description,
            "pnl": trade.pnl.description,
        ]
    }

    static func equity(_ point: EquityPoint) -> [String: Any] {
        ["time": point.time.description, "time_ms": Int(point.time.milliseconds), "equity": point.equity.description]
    }

    /// A ratio as a JSON number; null when it is undefined (nil, NaN or infinite).
    static func number(_ value: Double?) -> Any {
        guard let value, value.isFinite else { return NSNull() }
        return value
    }

    /// An exact amount as its decimal text; null when there is none.
    static func text(_ value: Money?) -> Any {
        value.map(\.description) ?? NSNull()
    }

    /// Compact JSON text with sorted keys, so the same report always gives the same bytes.
    /// The values built here are only strings, finite numbers, NSNull, arrays and dictionaries
    /// with string keys, which JSONSerialization always accepts.
    static func serialize(_ object: Any) -> String {
        do {
            return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        } catch {
            preconditionFailure("report JSON is built from JSON values only: \(error)")
        }
    }
}
