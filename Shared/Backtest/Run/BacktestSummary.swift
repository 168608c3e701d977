import Core
import Foundation

/// A run's figures as lines of text for the terminal: returns and drawdown for the account,
/// then trade statistics in total and per symbol.
public enum BacktestSummary {
    public static func lines(_ metrics: BacktestMetrics, bars: Int, ruinedAt: Timestamp?) -> [String] {
        let returns = metrics.returns
        var lines = [
            "bars               \(bars)",
            "equity             \(returns.startEquity) → \(returns.endEquity) (net \(returns.netProfit))",
            "total return       \(percent(returns.totalReturn))",
            "annualised return  \(percent(returns.annualisedReturn))",
            "sharpe / sortino   \(ratio(returns.sharpe)) / \(ratio(returns.sortino))",
            "calmar             \(ratio(returns.calmar))",
            "max drawdown       \(percent(returns.drawdown.maximum)) (\(returns.drawdown.maximumAmount)), longest \(days(returns.drawdown.longestDuration))",
        ]
        if let ruinedAt { lines.append("RUINED             equity reached zero at \(ruinedAt); the run stopped there") }
        lines.append("")
        lines.append(row("", "trades", "win rate", "profit factor", "expectancy", "avg win", "avg loss", "exposure", "fees", "funding"))
        lines.append(statistics("total", metrics.total))
        for (symbol, statistics) in metrics.bySymbol.sorted(by: { $0.key < $1.key }) where metrics.bySymbol.count > 1 {
            lines.append(Self.statistics(symbol.rawValue, statistics))
        }
        return lines
    }

    /// What risk made of the intents, e.g. `intents 246, approved 120; rejected: position_exists 80, …`.
    public static func decisions(_ counts: DecisionCounts) -> String {
        let rejected = counts.rejected.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return "intents \(counts.intents), approved \(counts.approved)" + (rejected.isEmpty ? "" : "; rejected: \(rejected)")
    }

    private static func statistics(_ name: String, _ s: TradeStatistics) -> String {
        row(
            name, "\(s.trades)", percent(s.winRate), ratio(s.profitFactor), money(s.expectancy), money(s.averageWin),
            money(s.averageLoss), percent(s.exposure), money(s.fees), money(s.funding))
    }

    private static func row(_ cells: String...) -> String {
        cells.enumerated().map { index, cell in
            let width = index == 0 ? 12 : 13
            return cell.count >= width ? cell + " " : cell + String(repeating: " ", count: width - cell.count)
        }.joined()
    }

    static func percent(_ value: Double?) -> String { value.map { String(format: "%.2f %%", $0 * 100) } ?? "–" }
    static func ratio(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "–" }

    /// Money rounded to cents for reading (the exact values are in the JSON and CSV).
    static func money(_ value: Money?) -> String {
        guard let value else { return "–" }
        return (try? value.value.rounded(scale: 2, mode: .nearest)).map { "\($0)" } ?? "\(value)"
    }

    static func days(_ milliseconds: Int64) -> String { String(format: "%.1f days", Double(milliseconds) / 86_400_000) }
}
