import Core
import Foundation
import Testing

@testable import Backtest

@Suite("Backtest reports: CSV and JSON exports, files")
struct ReportExportTests {
    @Test func tradesCSVIsExact() throws {
        #expect(try twoTradeReport().tradesCSV() == """
            seq,symbol,side,entry_time,entry_time_ms,exit_time,exit_time_ms,entry_price,exit_price,quantity,fees,funding,pnl
            1,BTCUSDT,buy,2026-01-05T01:00:00.000Z,1767574800000,2026-01-05T03:30:00.000Z,1767583800000,43000.50,43210.00,0.010,0.8642,-0.0125,1.2345
            2,ETHUSDT,sell,2026-01-06T00:00:00.000Z,1767657600000,2026-01-06T00:05:00.250Z,1767657900250,2500.1,2510.35,1.5,1.13,0,-16.505

            """)
    }

    @Test func equityCSVIsExact() throws {
        #expect(try twoTradeReport().equityCSV() == """
            time,time_ms,equity
            2026-01-05T00:00:00.000Z,1767571200000,10000.00
            2026-01-06T12:00:00.000Z,1767700800000,9985.7295

            """)
    }

    @Test func jsonParsesBackWithExactMoneyAndNullForUndefinedRatios() throws {
        let report = try twoTradeReport()
        let text = report.json()
        #expect(text == report.json())
        #expect(text.hasPrefix(#"{"equity":[{"equity":"10000.00","time":"2026-01-05T00:00:00.000Z","time_ms":1767571200000}"#))
        let json = try jsonObject(text)
        #expect(json["title"] as? String == "MACD/RSI on BTC and ETH")
        let settings = try #require(json["settings"] as? [[String: String]])
        #expect(settings.map { $0["name"] } == ["strategy", "fees", "data"])
        let trades = try #require(json["trades"] as? [[String: Any]])
        #expect(trades.map { $0["entry_price"] as? String } == ["43000.50", "2500.1"])
        #expect(trades.map { $0["pnl"] as? String } == ["1.2345", "-16.505"])
        #expect(trades.map { $0["exit_time_ms"] as? Int } == [1_767_583_800_000, 1_767_657_900_250])
        let equity = try #require(json["equity"] as? [[String: Any]])
        #expect(equity.map { $0["equity"] as? String } == ["10000.00", "9985.7295"])

        let metrics = try #require(json["metrics"] as? [String: Any])
        let returns = try #require(metrics["returns"] as? [String: Any])
        #expect(returns["net_profit"] as? String == "-14.2705")
        // Ratios are written as the shortest text that reads back as the same Double
        // (Foundation's JSONSerialization on Linux reads it back a few ulps off).
        #expect(text.contains(#""total_return":\#(report.metrics.returns.totalReturn)}"#))
        #expect(abs(try #require(returns["total_return"] as? Double) - report.metrics.returns.totalReturn) < 1e-15)
        // One period return: no Sharpe.
        #expect(returns["sharpe"] is NSNull)
        let total = try #require(metrics["total"] as? [String: Any])
        #expect(total["net_profit"] as? String == "-15.2705")
        #expect(total["fees"] as? String == "1.9942")
        #expect(total["win_rate"] as? Double == 0.5)
        let bySymbol = try #require(metrics["by_symbol"] as? [String: [String: Any]])
        #expect(bySymbol.keys.sorted() == ["BTCUSDT", "ETHUSDT"])
        // No losing BTC trade: its profit factor is undefined.
        #expect(bySymbol["BTCUSDT"]?["profit_factor"] is NSNull)

        let monthly = try #require(json["monthly_returns"] as? [String: Any])
        let months = try #require(monthly["months"] as? [[String: Any]])
        #expect(months.map { $0["end_equity"] as? String } == ["9985.7295"])
    }

    @Test func writesTheFourFiles() throws {
        let report = try twoTradeReport()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keel-report-\(UUID())/nested")
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        try report.write(to: directory)
        let read = { (name: String) throws -> String in
            try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        }
        #expect(try read("trades.csv") == report.tradesCSV())
        #expect(try read("equity.csv") == report.equityCSV())
        #expect(try read("result.json") == report.json())
        #expect(try read("report.html") == report.html())
    }

    @Test func aDirectoryThatCannotBeCreatedIsNamed() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("keel-report-file-\(UUID())")
        try Data("not a directory".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let inside = file.appendingPathComponent("report")
        #expect {
            try twoTradeReport().write(to: inside)
        } throws: { error in
            guard case .directory(let path, _) = error as? ReportWriteError else { return false }
            return path == inside.path
        }
    }
}
