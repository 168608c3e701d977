import Core
import Notifier
import Testing

@Suite("Daily summary")
struct DailySummaryTests {
    static let day = Timestamp(milliseconds: 1_764_892_800_000)  // 2025-12-05 00:00 UTC
    static let hour: Int64 = 3_600_000

    static func money(_ text: String) throws -> Money { try Money(parsing: text) }

    @Test("the previous UTC day is due from the configured hour on", arguments: [
        (0, 24 * hour, day),  // midnight: yesterday
        (0, 48 * hour - 1, day),
        (0, 48 * hour, day.adding(milliseconds: 24 * hour)),
        (8, 24 * hour + 8 * hour - 1, day.adding(milliseconds: -24 * hour)),  // 07:59: the day before is still the latest
        (8, 24 * hour + 8 * hour, day),
    ])
    func dueDay(hourUTC: Int, offset: Int64, expected: Timestamp) {
        #expect(DailySummary.dueDay(at: Self.day.adding(milliseconds: offset), hourUTC: hourUTC) == expected)
    }

    @Test("the dedupe key holds the date")
    func key() {
        #expect(DailySummary.dedupeKey(day: Self.day) == "daily-summary:2025-12-05")
    }

    @Test("the text: exact money rounded to the cent, win rate, funding, equity and the day's drawdown")
    func text() throws {
        let figures = DayFigures(
            day: Self.day, realisedPnL: try Self.money("123.455"), fills: 12, fees: try Self.money("4.5612"),
            fundingPaid: try Self.money("-0.75"), closedTrades: 3, winningTrades: 2, equity: try Self.money("10123.4"),
            drawdown: .init(fall: try Self.money("51"), peak: try Self.money("10200")))
        #expect(try DailySummary.text(figures) == """
            📊 Daily summary · 2025-12-05 (UTC)
            Realised PnL: 123.46 USDT (net of 4.56 USDT fees) over 12 fills
            Closed trades: 3 · won 2 · win rate 66.7 %
            Funding paid: -0.75 USDT · net after funding: 124.21 USDT
            Equity now: 10123.40 USDT
            Day's max drawdown: 51.00 USDT (0.50 % below 10200.00 USDT)
            """)
    }

    @Test("a quiet day: no trades, no equity reported")
    func quietDay() throws {
        let figures = DayFigures(
            day: Self.day, realisedPnL: .zero, fills: 1, fees: .zero, fundingPaid: .zero, closedTrades: 0, winningTrades: 0,
            equity: nil, drawdown: nil)
        let lines = try DailySummary.text(figures).components(separatedBy: "\n")
        #expect(lines[1] == "Realised PnL: 0.00 USDT (net of 0.00 USDT fees) over 1 fill")
        #expect(lines[2] == "Closed trades: none")
        #expect(lines[4] == "Equity now: not reported yet")
        #expect(lines[5] == "Day's max drawdown: no equity reported that day")
    }
}
