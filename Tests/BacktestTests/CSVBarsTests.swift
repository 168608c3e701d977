import Core
import ExchangeSimulator
import Foundation
import Testing

@testable import Backtest

@Suite("Backtest data: CSV bars, validation and repair")
struct CSVBarsTests {
    let btc = try! Symbol("BTCUSDT")
    let header = "timestamp,open,high,low,close,volume"
    /// 2024-01-01T00:00Z.
    let origin: Int64 = 1_704_067_200_000

    func row(_ minute: Int64, _ close: String, high: String = "110", low: String = "90") -> String {
        "\(origin + minute * 60_000),100,\(high),\(low),\(close),5"
    }

    func load(_ rows: [String], repairs: BarRepairs = []) throws -> ValidatedBars {
        try CSVBars.parse(([header] + rows).joined(separator: "\n"), source: "bars.csv", symbol: btc, timeframe: .m1, repairs: repairs)
    }

    func refusal(_ rows: [String], repairs: BarRepairs = []) -> [BarIssue] {
        do {
            _ = try load(rows, repairs: repairs)
            Issue.record("expected a refusal")
            return []
        } catch let BarDataError.refused(_, issues) {
            return issues
        } catch {
            Issue.record("unexpected \(error)")
            return []
        }
    }

    @Test func cleanBarsLoadExactlyAndInOrder() throws {
        let bars = try load([row(0, "101.5"), row(1, "99.25"), row(2, "100")])
        #expect(bars.issues.isEmpty)
        #expect(bars.candles.map(\.close) == ["101.5", "99.25", "100"].map { try! Price(parsing: $0) })
        #expect(bars.candles.map(\.openTime.milliseconds) == [origin, origin + 60_000, origin + 120_000])
        #expect(bars.candles.allSatisfy { $0.symbol == btc && $0.timeframe == .m1 && $0.isClosed })
    }

    @Test func aFileNewestFirstIsItsLayoutNotAnIssue() throws {
        let text = """
            Timestamps are UTC timezone,https://www.CryptoDataDownload.com
            Date,Symbol,Open,High,Low,Close,Volume BTC,Volume USD
            2019-10-17 02-AM,BTCUSD,3,3,3,3,1,3
            2019-10-17 01-AM,BTCUSD,2,2,2,2,1,2
            2019-10-17 12-AM,BTCUSD,1,1,1,1,1,1
            """
        let bars = try CSVBars.parse(text, source: "cdd.csv", symbol: btc, timeframe: .h1)
        #expect(bars.issues.isEmpty)
        #expect(bars.candles.map(\.close) == ["1", "2", "3"].map { try! Price(parsing: $0) })
    }

    @Test func reportsEveryIssueWithFileAndLineAndRefuses() {
        let issues = refusal([
            row(0, "100"),  // line 2
            row(2, "101"),  // line 3
            row(1, "102"),  // line 4: earlier than line 3
            row(1, "103"),  // line 5: a second bar at minute 1
            row(3, "104", high: "90", low: "110"),  // line 6: high below low
            row(4, "NaN"),  // line 7
            row(5, "0", low: "0"),  // line 8: non-positive prices
            row(9, "105"),  // line 9
            "\(origin + 10 * 60_000 + 30_000),100,110,90,100,5",  // line 10: off the one-minute grid
        ])
        let described = issues.map(\.description)
        #expect(issues.allSatisfy { !$0.repaired && $0.source == "bars.csv" })
        #expect(issues.map(\.line) == [3, 4, 5, 6, 7, 8, 10])
        // The valid bars are on minutes 0, 1, 2 and 9: one gap, reported on the bar before it.
        #expect(issues[0].kind == .gap(after: Timestamp(milliseconds: origin + 120_000), missingBars: 6))
        #expect(issues[1].kind == .unsorted(previousLine: 3))
        #expect(issues[2].kind == .duplicate(keptLine: 4))
        #expect(described.contains { $0.hasPrefix("bars.csv:6: high/low do not bound open and close") })
        #expect(described.contains { $0.hasPrefix("bars.csv:7: close is not a decimal number") })
        #expect(described.contains { $0.hasPrefix("bars.csv:8: ") && $0.contains("not positive") })
        #expect(described.contains { $0.hasPrefix("bars.csv:10: ") && $0.contains("not the start of a 1m candle") })
        #expect(described.allSatisfy { $0.contains("(not repaired: needs ") })
    }

    @Test func repairsWhatTheOptionsSayAndReportsTheRepairs() throws {
        let bars = try load(
            [row(0, "100"), row(3, "103"), row(1, "101"), row(1, "105"), row(4, "NaN")],
            repairs: .all)
        #expect(bars.candles.map { $0.openTime.milliseconds - origin } == [0, 1, 2, 3].map { $0 * 60_000 })
        #expect(bars.candles.map(\.close) == ["100", "101", "101", "103"].map { try! Price(parsing: $0) })
        let filled = bars.candles[2]
        #expect([filled.open, filled.high, filled.low] == [filled.close, filled.close, filled.close])
        #expect(filled.volume == .zero)
        #expect(bars.issues.count == 4)
        #expect(bars.issues.allSatisfy { $0.repaired })
        let described = bars.issues.map(\.description)
        #expect(described.contains("bars.csv:4: earlier than line 3 (repaired: moved into time order)"))
        #expect(described.contains("bars.csv:5: same open time as line 4 (repaired: dropped, line 4 kept)"))
        #expect(described.contains { $0.hasPrefix("bars.csv:4: 1 bar(s) missing after") && $0.hasSuffix("(repaired: filled with the previous close and zero volume)") })
        #expect(described.contains { $0.hasPrefix("bars.csv:6: ") && $0.hasSuffix("(repaired: dropped)") })
    }

    @Test func aRepairThatIsNotAskedForStillRefuses() {
        let issues = refusal([row(0, "100"), row(2, "102"), row(1, "101"), row(5, "105")], repairs: .sort)
        #expect(issues.filter(\.repaired).map(\.line) == [4])
        #expect(issues.filter { !$0.repaired }.map(\.kind) == [
            .gap(after: Timestamp(milliseconds: origin + 120_000), missingBars: 2)
        ])
    }

    @Test func nothingLeftIsAnError() {
        #expect(throws: BarDataError.noBars(source: "bars.csv")) { try load([row(0, "NaN")], repairs: .dropBadRows) }
        #expect(throws: OHLCVFileError.self) { try load([]) }
    }

    /// The real Coinbase BTC/USD hours (`deploy/local/setup` downloads them): newest first, with
    /// five rows of 2017-11-12 interleaved out of order, and otherwise no gap or duplicate.
    @Test func theRealBitcoinHoursAreRefusedUnsortedAndLoadSorted() throws {
        let path = ProcessInfo.processInfo.environment["KEEL_MARKET_DATA"].flatMap { $0.isEmpty ? nil : $0 }
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".keel/data/Coinbase_BTCUSD_1h.csv").path
        guard FileManager.default.fileExists(atPath: path) else { return }
        #expect {
            try CSVBars.load(path: path, symbol: btc, timeframe: .h1)
        } throws: { error in
            guard case BarDataError.refused(_, let issues) = error else { return false }
            return issues.map(\.line) == [16900, 16902, 16904, 16906, 16908]
                && issues.map(\.kind) == [16901, 16903, 16905, 16907, 16909].map { .unsorted(previousLine: $0) }
        }
        let bars = try CSVBars.load(path: path, symbol: btc, timeframe: .h1, repairs: .sort)
        #expect(bars.candles.count == 20_111)
        #expect(bars.issues.count == 5)
        #expect(bars.candles.first?.openTime == Timestamp(milliseconds: 1_498_906_800_000))  // 2017-07-01T11:00Z
        for (previous, next) in zip(bars.candles, bars.candles.dropFirst()) where next.openTime != previous.closeTime {
            Issue.record("\(next.openTime) follows \(previous.openTime)")
        }
    }
}
