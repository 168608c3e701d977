import Core
import Foundation

/// A walk-forward as lines of text: each window's choice and its in/out-of-sample scores, the
/// parameters' stability, and the stitched out-of-sample figures.
public enum WalkForwardSummary {
    public static func windowLines(_ result: WalkForwardResult, objective: OptimisationObjective) -> [String] {
        var lines = ["window  in-sample from     out-of-sample          \(objective.name) IS → OOS   efficiency  trades  OOS return  parameters"]
        for outcome in result.windows {
            lines.append([
                String(format: "%-7d", outcome.window.number),
                day(outcome.inSampleFrom).padding(toLength: 19, withPad: " ", startingAt: 0),
                "\(day(outcome.outOfSampleFrom))…\(day(outcome.outOfSampleTo))".padding(toLength: 23, withPad: " ", startingAt: 0),
                "\(BacktestSummary.ratio(outcome.inSampleScore)) → \(BacktestSummary.ratio(outcome.outOfSampleScore))".padding(toLength: 20, withPad: " ", startingAt: 0),
                BacktestSummary.ratio(outcome.efficiency).padding(toLength: 12, withPad: " ", startingAt: 0),
                String(format: "%-8d", outcome.outOfSampleTrades),
                BacktestSummary.percent(outcome.outOfSampleReturn).padding(toLength: 12, withPad: " ", startingAt: 0),
                outcome.point.key,
            ].joined())
        }
        let efficiencies = result.windows.compactMap(\.efficiency)
        if !efficiencies.isEmpty {
            lines.append(String(format: "mean efficiency %.3f over %d window(s) with a positive in-sample score", efficiencies.reduce(0, +) / Double(efficiencies.count), efficiencies.count))
        }
        lines.append("")
        lines.append("parameter stability (coefficient of variation: 0 = the same every window)")
        for parameter in result.stability {
            lines.append("  \(parameter.name): \(parameter.values.joined(separator: ", ")); \(parameter.distinctValues) distinct, mean \(parameter.mean.map { String(format: "%.4g", $0) } ?? "–"), CV \(BacktestSummary.ratio(parameter.coefficientOfVariation))")
        }
        return lines
    }

    /// Window rows for a report's settings table.
    public static func reportRows(_ result: WalkForwardResult, objective: OptimisationObjective) -> [(String, String)] {
        result.windows.map { outcome in
            ("window \(outcome.window.number)",
             "\(day(outcome.outOfSampleFrom))…\(day(outcome.outOfSampleTo)): \(outcome.point.key); \(objective.name) in-sample \(BacktestSummary.ratio(outcome.inSampleScore)), out-of-sample \(BacktestSummary.ratio(outcome.outOfSampleScore))")
        }
    }

    static func day(_ time: Timestamp) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: Date(timeIntervalSince1970: Double(time.milliseconds) / 1000))
    }
}
