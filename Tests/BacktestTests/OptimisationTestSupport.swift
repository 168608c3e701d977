import Core
import Foundation

@testable import Backtest

/// Metrics of a one-day curve from 1000 whose total return is `totalReturn` (to 1e-9); its
/// Sharpe and Sortino are nil (a single return).
func syntheticMetrics(totalReturn: Double, trades: [BacktestTrade] = []) -> BacktestMetrics {
    let end = String(format: "%.6f", 1000 * (1 + totalReturn))
    return try! BacktestMetrics(equity: curve([(0, "1000"), (day, end)]), trades: trades)
}

/// Counts an evaluation closure's calls across tasks.
actor CallCounter {
    private(set) var calls = 0

    /// The number of this call, from 1.
    func next() -> Int {
        calls += 1
        return calls
    }
}

/// A path in a fresh temporary directory, for a journal.
func temporaryJournalPath() -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keel-optimisation-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent("journal.jsonl").path
}

/// `fast` 5...50 step 5 and `slow` 10...100 step 10, with `fast < slow`: 10 × 10 lattice points.
func movingAverageSpace() throws -> ParameterSpace {
    try ParameterSpace(
        [.integer("fast", 5, 50, step: 5), .integer("slow", 10, 100, step: 10)],
        constraint: { (try? $0.int("fast") < $0.int("slow")) ?? false })
}
