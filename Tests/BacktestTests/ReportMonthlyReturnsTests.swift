import Core
import Testing

@testable import Backtest

@Suite("Backtest reports: monthly returns")
struct ReportMonthlyReturnsTests {
    /// Starts mid-January; no point in March; a point on the last millisecond of February and
    /// one on the first of 2027.
    let returns = MonthlyReturns(utcCurve([
        ("2026-01-15T00:00:00Z", "1000"),
        ("2026-01-31T12:00:00Z", "1100"),
        ("2026-02-10T00:00:00Z", "1050"),
        ("2026-02-28T23:59:59.999Z", "990"),
        ("2026-04-01T00:00:00Z", "1000"),
        ("2026-04-30T00:00:00Z", "1089"),
        ("2027-01-01T00:00:00Z", "1197.9"),
    ]))

    @Test func eachMonthRunsFromThePreviousMonthsLastPoint() {
        #expect(returns.months.map { "\($0.year)-\($0.month)" } == ["2026-1", "2026-2", "2026-4", "2027-1"])
        // January from the curve's first point (mid-month), February from January's last point.
        #expect(returns.months.map(\.startEquity) == ["1000", "1100", "990", "1089"].map(money))
        #expect(returns.months.map(\.endEquity) == ["1100", "990", "1089", "1197.9"].map(money))
        // 1100/1000, 990/1100, 1089/990 (March had no point: April runs from February's end), 1197.9/1089.
        let expected = [0.1, -0.1, 0.1, 0.1]
        for (month, value) in zip(returns.months, expected) {
            #expect(abs(month.value! - value) < 1e-12)
        }
    }

    @Test func yearsCompoundTheirMonths() {
        #expect(returns.years.map(\.year) == [2026, 2027])
        // 1.1 × 0.9 × 1.1 − 1 = 0.089, the same as 1089 / 1000 − 1.
        #expect(abs(returns.years[0].value! - 0.089) < 1e-12)
        #expect(abs(returns.years[1].value! - 0.1) < 1e-12)
    }

    @Test func aSinglePointIsAFlatMonthAndNoPointsNoMonths() {
        let single = MonthlyReturns(utcCurve([("2026-03-31T23:59:59.999Z", "500")]))
        #expect(single.months == [.init(year: 2026, month: 3, startEquity: money("500"), endEquity: money("500"), value: 0)])
        #expect(single.years == [.init(year: 2026, value: 0)])
        #expect(MonthlyReturns([]).months.isEmpty)
        #expect(MonthlyReturns([]).years.isEmpty)
    }
}
