import Core
import Testing

@testable import Backtest

@Suite("Optimisation: objectives and ranking")
struct OptimisationObjectiveTests {
    @Test func objectivesParseFromCommandLineTextAndBack() throws {
        let cases: [(String, OptimisationObjective)] = [
            ("sharpe", .sharpe), ("Sortino", .sortino), ("calmar", .calmar), ("total-return", .totalReturn),
            ("profit-factor", .profitFactor(minTrades: 0)), ("profit-factor:30", .profitFactor(minTrades: 30)),
        ]
        for (text, objective) in cases {
            #expect(try OptimisationObjective(parsing: text) == objective)
            #expect(try OptimisationObjective(parsing: objective.description) == objective)
        }
        #expect(throws: OptimisationObjectiveError.unknown("sharp")) { try OptimisationObjective(parsing: "sharp") }
        #expect(throws: OptimisationObjectiveError.unknown("sharpe:3")) { try OptimisationObjective(parsing: "sharpe:3") }
        #expect(throws: OptimisationObjectiveError.badMinimumTrades("profit-factor:x")) { try OptimisationObjective(parsing: "profit-factor:x") }
        #expect(throws: OptimisationObjectiveError.badMinimumTrades("profit-factor:-1")) { try OptimisationObjective(parsing: "profit-factor:-1") }
        #expect(OptimisationObjectiveError.unknown("sharp").description.contains("use sharpe, sortino, calmar"))
    }

    @Test func objectivesReadTheMetricsAndUndefinedRatiosDoNotQualify() throws {
        let trades = [
            trade("BTCUSDT", .buy, hours: 1...2, pnl: "30", fees: "0", funding: "0"),
            trade("BTCUSDT", .sell, hours: 3...4, pnl: "-10", fees: "0", funding: "0"),
        ]
        let flat = syntheticMetrics(totalReturn: 0.02, trades: trades)
        #expect(abs(try #require(OptimisationObjective.totalReturn.score(flat)) - 0.02) < 1e-9)
        #expect(OptimisationObjective.profitFactor(minTrades: 2).score(flat) == 3)
        #expect(OptimisationObjective.profitFactor(minTrades: 3).score(flat) == nil)
        // One period: no Sharpe or Sortino; no drawdown: no Calmar.
        #expect(OptimisationObjective.sharpe.score(flat) == nil)
        #expect(OptimisationObjective.sortino.score(flat) == nil)
        #expect(OptimisationObjective.calmar.score(flat) == nil)
        let year = try BacktestMetrics(equity: curve([(0, "1000"), (100 * day, "1100"), (200 * day, "990"), (365 * day, "1200")]), trades: [])
        #expect(OptimisationObjective.sharpe.score(year) == year.returns.sharpe)
        #expect(OptimisationObjective.calmar.score(year) == year.returns.calmar)
    }

    @Test func rankingPutsScoresFirstThenUnqualifiedThenFailures() {
        func point(_ value: Int) -> ParameterPoint { ParameterPoint([.init(name: "p", value: .integer(value))]) }
        let summary = MetricsSummary(syntheticMetrics(totalReturn: 0))
        let evaluations = [
            OptimisationEvaluation(point: point(1), error: "boom"),
            OptimisationEvaluation(point: point(2), score: nil, metrics: summary),
            OptimisationEvaluation(point: point(3), score: -5, metrics: summary),
            OptimisationEvaluation(point: point(4), score: 2, metrics: summary),
            OptimisationEvaluation(point: point(6), score: 2, metrics: summary),
            OptimisationEvaluation(point: point(5), score: 2, metrics: summary),
        ]
        let ranked = OptimisationEvaluation.ranked(evaluations).map { $0.point.key }
        #expect(ranked == ["p=4", "p=5", "p=6", "p=3", "p=2", "p=1"])
    }

    @Test func failedEvaluationsAreRecordedWithTheirMessageAndTheRunGoesOn() async throws {
        struct Refused: Error, CustomStringConvertible {
            var description: String { "no data for fast=10" }
        }
        let optimiser = try Optimiser(space: try movingAverageSpace(), search: .grid, objective: .totalReturn, parallelism: 2, showsProgress: false)
        let report = try await optimiser.run { point in
            if try point.int("fast") == 10 { throw Refused() }
            return syntheticMetrics(totalReturn: 0.01)
        }
        #expect(report.ranking.count == 75)
        let failed = report.ranking.filter { $0.error != nil }
        #expect(failed.count == 9)
        #expect(failed.allSatisfy { $0.error == "no data for fast=10" && $0.score == nil })
        #expect(report.ranking.suffix(9).allSatisfy { $0.error != nil })
    }
}
