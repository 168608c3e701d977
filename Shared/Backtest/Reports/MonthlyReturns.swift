import Core
import Foundation
import Indicators

/// Returns per calendar month and per year (UTC) of an equity curve, as fractions (0.05 is +5 %).
///
/// A month's return runs from the equity at the last point before the month (the previous
/// month's last point; in the curve's first month, the curve's first point) to the month's
/// last point. A month without points has no entry: the change over it lands in the next month
/// that has points. A year's return compounds its months' returns.
public struct MonthlyReturns: Sendable, Hashable {
    public struct Month: Sendable, Hashable {
        public let year: Int
        /// 1 (January) ... 12.
        public let month: Int
        /// The equity the return is measured from.
        public let startEquity: Money
        /// The month's last equity.
        public let endEquity: Money
        /// `endEquity / startEquity − 1`; nil when `startEquity` is not positive.
        public let value: Double?
    }

    public struct Year: Sendable, Hashable {
        public let year: Int
        /// `∏(1 + month) − 1` over the year's months; nil when one of them is nil.
        public let value: Double?
    }

    /// Oldest first; only months with points.
    public let months: [Month]
    /// Oldest first; only years with points.
    public let years: [Year]

    /// `equity`: oldest first.
    public init(_ equity: [EquityPoint]) {
        var months: [Month] = []
        var start = equity.first?.equity ?? .zero
        var index = equity.startIndex
        while index < equity.endIndex {
            let month = UTCMonth(containing: equity[index].time)
            var last = index
            while last + 1 < equity.endIndex, equity[last + 1].time.milliseconds < month.endMilliseconds { last += 1 }
            let end = equity[last].equity
            let value = start.isPositive ? end.value.doubleValue / start.value.doubleValue - 1 : nil
            months.append(Month(year: month.year, month: month.month, startEquity: start, endEquity: end, value: value))
            start = end
            index = last + 1
        }
        self.months = months
        var years: [Year] = []
        for (year, inYear) in Dictionary(grouping: months, by: \.year).sorted(by: { $0.key < $1.key }) {
            let growth = inYear.reduce(Double?(1)) { product, month in
                guard let product, let value = month.value else { return nil }
                return product * (1 + value)
            }
            years.append(Year(year: year, value: growth.map { $0 - 1 }))
        }
        self.years = years
    }
}

/// A calendar month in UTC.
private struct UTCMonth {
    let year: Int
    let month: Int
    /// The first millisecond after the month.
    let endMilliseconds: Int64

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        return calendar
    }()

    init(containing time: Timestamp) {
        let date = Date(timeIntervalSince1970: Double(time.seconds))
        let parts = Self.calendar.dateComponents([.year, .month], from: date)
        year = parts.year!
        month = parts.month!
        let next = Self.calendar.date(from: DateComponents(year: year, month: month + 1, day: 1))!
        endMilliseconds = Int64(next.timeIntervalSince1970) * 1000
    }
}
