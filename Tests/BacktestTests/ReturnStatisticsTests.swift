import Core
import Testing

@testable import Backtest

@Suite("Backtest metrics: returns, ratios and drawdowns")
struct ReturnStatisticsTests {
    /// Six points 73 days apart over one 365-day year: five periods, returns
    /// 0.1, −0.1, 2/9, 0, 0.1.
    let year = curve([
        (0, "1000"), (73 * day, "1100"), (146 * day, "990"), (219 * day, "1210"), (292 * day, "1210"), (365 * day, "1331"),
    ])

    @Test func totalAndAnnualisedReturnOverOneYear() throws {
        let returns = try BacktestMetrics(equity: year, trades: []).returns
        #expect(returns.netProfit == money("331"))
        #expect(abs(returns.totalReturn - 0.331) < 1e-12)
        // One year exactly: the compound yearly rate is the total return.
        #expect(abs(try #require(returns.annualisedReturn) - 0.331) < 1e-12)
        #expect(abs(try #require(returns.periodsPerYear) - 5) < 1e-12)
    }

    @Test func sharpeUsesTheSampleDeviationAndSortinoTheDownsideOverAllPeriods() throws {
        let returns = try BacktestMetrics(equity: year, trades: []).returns
        // mean = (0.1 − 0.1 + 2/9 + 0 + 0.1) / 5 = 0.0644…; sample s = 0.121055032888576;
        // Sharpe = 0.0644… / 0.121055… × √5 = 1.19038552228244.
        #expect(abs(try #require(returns.sharpe) - 1.19038552228244) < 1e-9)
        // Downside d = √(0.1² / 5); Sortino = (0.3222… / 5) / (0.1 / √5) × √5 = 0.3222… / 0.1 = 29/9.
        #expect(abs(try #require(returns.sortino) - 29.0 / 9) < 1e-12)
        // Calmar = 0.331 / 0.1 (the 1100 → 990 drawdown).
        #expect(abs(try #require(returns.calmar) - 3.31) < 1e-9)
    }

    @Test func maximumDrawdownItsAmountAndDuration() throws {
        let drawdown = try BacktestMetrics(equity: year, trades: []).returns.drawdown
        #expect(abs(drawdown.maximum - 0.1) < 1e-12)
        #expect(drawdown.maximumAmount == money("110"))
        // Peak at day 73, back at 1100 or above at day 219.
        #expect(drawdown.maximumDuration == 146 * day)
        #expect(drawdown.longestDuration == 146 * day)
    }

    @Test func theDeepestAndTheLongestDrawdownCanDiffer() throws {
        // 100 → 80 (−20 %) back to 100 at hour 2; then 99, 98, 97 until hour 10, never recovered.
        let equity = curve([(0, "100"), (hour, "80"), (2 * hour, "100"), (3 * hour, "99"), (4 * hour, "98"), (10 * hour, "97")])
        let drawdown = try BacktestMetrics(equity: equity, trades: []).returns.drawdown
        #expect(abs(drawdown.maximum - 0.2) < 1e-12)
        #expect(drawdown.maximumAmount == money("20"))
        #expect(drawdown.maximumDuration == 2 * hour)
        #expect(drawdown.longestDuration == 8 * hour)
    }

    @Test func flatEquityHasNoSharpeSortinoOrCalmar() throws {
        let returns = try BacktestMetrics(equity: curve([(0, "500"), (day, "500"), (2 * day, "500")]), trades: []).returns
        #expect(returns.totalReturn == 0)
        #expect(returns.annualisedReturn == 0)
        #expect(returns.sharpe == nil)
        #expect(returns.sortino == nil)
        #expect(returns.calmar == nil)
        #expect(returns.drawdown.maximum == 0)
        #expect(returns.drawdown.maximumDuration == 0)
    }

    @Test func noLosingPeriodHasNoSortino() throws {
        let returns = try BacktestMetrics(equity: curve([(0, "100"), (day, "101"), (2 * day, "103")]), trades: []).returns
        #expect(returns.sharpe != nil)
        #expect(returns.sortino == nil)
        #expect(returns.calmar == nil)
    }

    @Test func aSinglePointHasNoRatesAndEquityThatEndsAtZeroLostEverything() throws {
        let single = try BacktestMetrics(equity: curve([(0, "100")]), trades: []).returns
        #expect(single.annualisedReturn == nil)
        #expect(single.periodsPerYear == nil)
        #expect(single.sharpe == nil)
        let blown = try BacktestMetrics(equity: curve([(0, "100"), (day, "40"), (2 * day, "0")]), trades: []).returns
        #expect(blown.annualisedReturn == -1)
        #expect(blown.totalReturn == -1)
        #expect(blown.drawdown.maximum == 1)
    }

    @Test func refusesCurvesTheRatiosCannotBeComputedFrom() {
        #expect(throws: MetricsError.emptyEquityCurve) { try BacktestMetrics(equity: [], trades: []) }
        #expect(throws: MetricsError.timesNotIncreasing(at: Timestamp(milliseconds: 0))) {
            try BacktestMetrics(equity: curve([(0, "100"), (0, "101")]), trades: [])
        }
        #expect(throws: MetricsError.nonPositiveEquity(at: Timestamp(milliseconds: day))) {
            try BacktestMetrics(equity: curve([(0, "100"), (day, "0"), (2 * day, "10")]), trades: [])
        }
    }
}
