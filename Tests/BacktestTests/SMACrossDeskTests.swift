import Core
import Testing

@testable import Backtest

@Suite struct SMACrossDeskTests {
    /// Hour bars of the test instrument from (open, close) pairs; high and low span them.
    func series(_ bars: [(String, String)]) throws -> BarSeries {
        var series = BarSeries(instrument: testInstrument, timeframe: .h1)
        for (index, bar) in bars.enumerated() {
            let open = ticks(bar.0), close = ticks(bar.1)
            try series.append(
                openTime: at(hours: Int64(index)), open: open, high: max(open, close), low: min(open, close), close: close, volume: 1_000)
        }
        return series
    }

    @Test func entersAndExitsAtTheNextOpenWithAllEquity() throws {
        // SMA(1) against SMA(3): crosses up at bar 3's close (12 > 10.67 after 10 = 10), down
        // at bar 5's close (8 < 10.67).
        let market = try BacktestMarket([series([
            ("10", "10"), ("10", "10"), ("10", "10"), ("10", "12"), ("12.5", "12"), ("12", "8"), ("9", "9"), ("9", "9"),
        ])])
        var desk = try SMACrossDesk(fast: 1, slow: 3)
        let result = try Backtester(market: market, settings: VenueSettings(), startingEquity: Money(decimal("10000"))).run(&desk)
        // 10000 / (12.00 × 1.00055) = 832.87…: 832 units, bought at 12.50, sold at 9.00.
        #expect(result.fills.map(\.qty) == [832, 832])
        #expect(result.fills.map(\.price) == [ticks("12.5"), ticks("9")])
        #expect(result.fills.map(\.time) == [at(hours: 4), at(hours: 6)])
        // Fees 10400 × 0.00055 = 5.72 and 7488 × 0.00055 = 4.1184; PnL 832 × −3.5 = −2912.
        let trade = try #require(result.trades.first)
        #expect(result.trades.count == 1)
        #expect(trade.fees == Money(decimal("9.8384")))
        #expect(trade.pnl == Money(decimal("-2921.8384")))
        #expect(result.equity.last?.equity == Money(decimal("7078.1616")))
        #expect(result.equity.count == 9)
    }

    @Test func refusesFastNotBelowSlow() {
        #expect(throws: BacktestConfigurationError.self) { try SMACrossDesk(fast: 5, slow: 5) }
    }
}
