import Backtest
import Core
import Foundation
import Testing

/// A backtest report.html in a real browser: headless Chromium (through
/// Tests/Browser/report_check.py) opens it from a file:// URL on a phone-sized window, with no
/// server, and finds every chart drawn, no console error and nothing loaded. The page and its
/// screenshot go to $KEEL_TEST_ARTIFACTS/backtest-report/.
@Suite("BacktestReportBrowserTests")
struct BacktestReportBrowserTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Browser/report_check.py")

    /// Sixty days of 5-minute BTC bars on a wave, hourly equity, and a trade a day, alternating
    /// long and short, winners and losers.
    static func report() throws -> BacktestReport {
        let symbol = try Symbol("BTCUSDT")
        let start: Int64 = 1_767_225_600_000  // 2026-01-01T00:00:00Z
        let candles = try stride(from: 0, to: 60 * 1_440, by: 5).map { (minute: Int) throws -> Candle in
            let open = wave(minute)
            let close = wave(minute + 5)
            return try Candle(
                symbol: symbol, timeframe: .m5, openTime: time(start, minutes: minute), open: try price(open),
                high: try price(max(open, close) + 20), low: try price(min(open, close) - 20), close: try price(close),
                volume: try Quantity(parsing: "1.5"), isClosed: true)
        }
        let equity = try (0...60 * 24).map { (hour: Int) throws -> EquityPoint in
            let value: Double = 10_000 + Double(hour) + 300 * sin(Double(hour) / 50)
            return EquityPoint(time: time(start, minutes: hour * 60), equity: try Money(parsing: String(format: "%.2f", value)))
        }
        let trades = try (0..<59).map { (day: Int) throws -> BacktestTrade in
            let entry = day * 1_440 + 60
            let exit = entry + 600
            return try BacktestTrade(
                symbol: symbol, side: day % 2 == 0 ? .buy : .sell, entryTime: time(start, minutes: entry),
                exitTime: time(start, minutes: exit), entryPrice: try price(wave(entry)), exitPrice: try price(wave(exit)),
                quantity: try Quantity(parsing: "0.01"), fees: try Money(parsing: "0.44"), funding: try Money(parsing: "0.01"),
                pnl: try Money(parsing: day % 3 == 0 ? "-12.5" : "20.25"))
        }
        return try BacktestReport(
            title: "Wave </script><b>test</b>", settings: [("strategy", "wave"), ("data", "synthetic 5m")], equity: equity,
            trades: trades, bars: [symbol: candles])
    }

    static func wave(_ minute: Int) -> Double {
        let slow: Double = 3_000 * sin(Double(minute) / 4_000)
        let fast: Double = 200 * sin(Double(minute) / 37)
        return 40_000 + slow + fast
    }

    static func price(_ value: Double) throws -> Price {
        try Price(parsing: String(format: "%.1f", value))
    }

    static func time(_ start: Int64, minutes: Int) -> Timestamp {
        Timestamp(milliseconds: start + Int64(minutes) * 60_000)
    }

    @Test func theReportOpensFromAFileAndDrawsEveryChart() async throws {
        let folder = (ProcessInfo.processInfo.environment["KEEL_TEST_ARTIFACTS"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory).appendingPathComponent("backtest-report")
        let report = try Self.report()
        try report.write(to: folder)
        let screenshot = folder.appendingPathComponent("report.png")
        let result = try await KeelProcess.run(
            executable: try TestEnvironment.venvTool("python"),
            [Self.script.path, folder.appendingPathComponent("report.html").path, screenshot.path], standardOutput: true)
        print("browser: \(result.standardOutput)")
        try #require(result.status == 0, "the browser check failed:\n\(result.standardError.suffix(4000))")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(seen["title"] as? String == report.title)
        // Equity, drawdown and the BTC price chart.
        #expect(seen["canvases"] as? Int == 3 && seen["drawn"] as? Int == 3 && seen["painted"] as? Int == 3)
        #expect((seen["errors"] as? [String]) == [])
        #expect((seen["resources"] as? [String]) == [])
        #expect(seen["heatmap_rows"] as? Int == 1 && seen["trade_rows"] as? Int == 59)
        #expect(seen["fits_phone_width"] as? Bool == true)
        print("backtest report: \(folder.path)")
    }
}
