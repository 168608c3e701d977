import Core
import Foundation
import Testing

@testable import Backtest

@Suite("Backtest reports: the HTML page")
struct ReportHTMLTests {
    static let dataStart = #"<script type="application/json" id="report-data">"#

    /// The JSON embedded in `html`.
    func embedded(_ html: String) throws -> [String: Any] {
        let start = try #require(html.range(of: Self.dataStart))
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        return try jsonObject(String(html[start.upperBound..<end.lowerBound]))
    }

    @Test func embedsTheDataAndATitleCannotBreakOut() throws {
        let title = "Run </script><b>x</b> & <!-- \u{2028}"
        let html = try twoTradeReport(title: title).html()
        #expect(!html.contains("<b>x"))
        // The page's own two scripts close; nothing else does.
        #expect(html.components(separatedBy: "</script>").count == 3)
        let data = try embedded(html)
        #expect(data["title"] as? String == title)
        let trades = try #require(data["trades"] as? [[String: Any]])
        #expect(trades.map { $0["pnl"] as? String } == ["1.2345", "-16.505"])
        #expect(data["trade_count"] as? Int == 2)
        let metrics = try #require(data["metrics"] as? [String: Any])
        #expect((metrics["total"] as? [String: Any])?["net_profit"] as? String == "-15.2705")
    }

    @Test func fetchesNothingAndWritesTextOnly() throws {
        let html = try twoTradeReport().html()
        #expect(!html.contains("http://") && !html.contains("https://"))
        #expect(!html.contains("innerHTML") && !html.contains("src="))
        #expect(html.contains("default-src 'none'"))
    }

    @Test func truncatesTheTradesTableAndThinsTheCharts() throws {
        let report = try twoTradeReport()
        let data = try embedded(report.html(maxTradeRows: 1, maxChartPoints: 2))
        #expect((data["trades"] as? [[String: Any]])?.count == 1)
        #expect(data["trade_count"] as? Int == 2)
        #expect((data["equity"] as? [[Double]])?.count == 2)
        // No bars, but a symbol per traded symbol with its entry/exit markers.
        let symbols = try #require(data["symbols"] as? [[String: Any]])
        #expect(symbols.map { $0["symbol"] as? String } == ["BTCUSDT", "ETHUSDT"])
        let markers = try #require(symbols[1]["trades"] as? [[Any]])
        #expect(markers.count == 1 && markers[0][4] as? String == "sell" && markers[0][5] as? Int == -1)
    }

    @Test func theDrawdownSeriesReachesTheMaximumDrawdown() throws {
        let equity = curve([(0, "100"), (hour, "120"), (2 * hour, "90"), (3 * hour, "130"), (4 * hour, "117")])
        let report = try BacktestReport(title: "dd", settings: [], equity: equity, trades: [])
        let data = try embedded(report.html())
        let drawdown = try #require(data["drawdown"] as? [[Double]])
        #expect(drawdown.map { $0[1] }.min() == -report.metrics.returns.drawdown.maximum)
        #expect(drawdown.map { $0[1] }.max() == 0)
    }

    /// A year of 5-minute bars and equity (105,120 of each) and a trade a day: the page stays
    /// small because the charts are thinned.
    @Test func aYearOfFiveMinuteBarsStaysAFewHundredKilobytes() throws {
        let symbol = try Symbol("BTCUSDT")
        let bars = 365 * 288
        let candles = try (0..<bars).map { (index: Int) throws -> Candle in
            let price = try Price(parsing: "\(40_000 + index % 1_000).5")
            return try Candle(
                symbol: symbol, timeframe: .m5, openTime: Timestamp(milliseconds: Int64(index) * 300_000), open: price,
                high: price, low: price, close: price, volume: try Quantity(parsing: "1"), isClosed: true)
        }
        let equity = (0..<bars).map { EquityPoint(time: Timestamp(milliseconds: Int64($0) * 300_000), equity: money("\(10_000 + $0 % 777)")) }
        let trades = (0..<365).map { trade("BTCUSDT", .buy, hours: Int64($0) * 24...Int64($0) * 24 + 5, pnl: "1.5", fees: "0.1", funding: "0") }
        let report = try BacktestReport(title: "year", settings: [], equity: equity, trades: trades, bars: [symbol: candles])
        let html = report.html()
        #expect(html.utf8.count < 1_000_000)
        let data = try embedded(html)
        #expect((data["equity"] as? [Any])?.count ?? .max <= 2_000)
        let chart = try #require((data["symbols"] as? [[String: Any]])?.first)
        #expect((chart["bars"] as? [Any])?.count == 2_000)
        #expect((chart["trades"] as? [Any])?.count == 365)
        #expect((data["trades"] as? [Any])?.count == 365)
    }
}
