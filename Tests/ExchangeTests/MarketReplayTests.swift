import Core
import Exchange
import Foundation
import Testing

@testable import ExchangeSimulator

/// Where the real Coinbase BTC/USD hourly bars are: $KEEL_MARKET_DATA (set by deploy/local's
/// scripts), else the default path `deploy/local/setup` downloads them to.
enum MarketData {
    static var coinbaseHourly: String {
        if let path = ProcessInfo.processInfo.environment["KEEL_MARKET_DATA"], !path.isEmpty { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".keel/data/Coinbase_BTCUSD_1h.csv").path
    }

    static var isPresent: Bool { FileManager.default.fileExists(atPath: coinbaseHourly) }
}

@Suite("Market replay from OHLCV files")
struct MarketReplayTests {
    let btcInstrument = SimulatedInstrument.defaults[0]

    func decimal(_ text: String) -> FixedPoint { try! FixedPoint(parsing: text) }

    @Test func readsTheCryptoDataDownloadLayoutNewestFirst() throws {
        let text = """
            Timestamps are UTC timezone,https://www.CryptoDataDownload.com\r
            Date,Symbol,Open,High,Low,Close,Volume BTC,Volume USD\r
            2019-10-17 01-PM,BTCUSD,8051,8056.83,8021.23,8035.88,61.25,492394.56\r
            2019-10-17 12-PM,BTCUSD,7975.89,8070,7975.89,8051,370.45,2971610.86\r
            2019-10-17 12-AM,BTCUSD,7964.62,7987.82,7964.61,7975.89,121.68,970521.83\r

            """
        let file = try OHLCVFile.parse(text)
        #expect(file.bars.count == 3)
        #expect(file.barMilliseconds == 3_600_000)
        let first = try #require(file.bars.first)
        #expect(first.openTime == Timestamp(milliseconds: 1_571_270_400_000))  // 2019-10-17T00:00Z
        #expect(file.bars[1].openTime == Timestamp(milliseconds: 1_571_270_400_000 + 12 * 3_600_000))
        #expect(first.open == decimal("7964.62") && first.close == decimal("7975.89"))
        #expect(first.volume == decimal("121.68"), "the base-coin volume, not the USD one")
        #expect(first.line == 5)
    }

    @Test func readsThePlainLayoutWithMillisecondsOrISOTimes() throws {
        let millis = try OHLCVFile.parse("""
            timestamp,open,high,low,close,volume
            1700000060000,101.5,102,101,101.75,3
            1700000000000,100,102,99.5,101.5,2.5
            """)
        #expect(millis.bars.map(\.openTime.milliseconds) == [1_700_000_000_000, 1_700_000_060_000])
        #expect(millis.barMilliseconds == 60_000)
        let iso = try OHLCVFile.parse("""
            timestamp,open,high,low,close,volume
            2024-03-01T00:00:00Z,100,110,95,105,10
            2024-03-01T04:00:00Z,105,106,100,101,12
            2024-03-01T12:00:00Z,101,103,99,102,8
            """)
        #expect(iso.barMilliseconds == 4 * 3_600_000, "a gap of two bars does not change the bar length")
        #expect(iso.bars[0].openTime == Timestamp(milliseconds: 1_709_251_200_000))
    }

    @Test func badRowsNameTheirLine() {
        func failure(_ text: String) -> OHLCVFileError? {
            do {
                _ = try OHLCVFile.parse(text)
                return nil
            } catch {
                return error
            }
        }
        let header = "timestamp,open,high,low,close,volume\n"
        let good = "1700000000000,100,102,99,101,1\n"
        let cases: [(String, Int, OHLCVFileError.Reason)] = [
            (header + good + "1700000060000,abc,102,99,101,1", 3, .badNumber(column: "open", detail: "")),
            (header + good + "1700000060000,100,102,99", 3, .wrongFieldCount(expected: 6, found: 4)),
            (header + good + "yesterday,100,102,99,101,1", 3, .badTime("yesterday")),
            (header + good + "1700000060000,100,99,98,101,1", 3, .inconsistentPrices),
            (header + good + "1700000060000,0,102,0,101,1", 3, .nonPositivePrice(column: "open")),
            (header + good + good, 3, .duplicateTime),
            (header + good + "1700000090000,100,102,99,101,1", 3, .irregularSpacing(milliseconds: 90_000, barMilliseconds: 90_000)),
            ("time,high,low,close\n", 1, .missingColumn("open")),
            (header, 1, .noBars),
        ]
        for (text, line, reason) in cases {
            let error = failure(text)
            #expect(error?.line == line, "\(text)")
            switch (error?.reason, reason) {
            case (.badNumber(let column, _)?, .badNumber(let expected, _)): #expect(column == expected)
            case (let found?, _): #expect(found == reason, "\(text)")
            case (nil, _): Issue.record("no error for \(text)")
            }
            #expect(error?.description.contains(line > 0 ? "line \(line)" : "") == true)
        }
        let bad = failure(header + good + "1700000060000,abc,102,99,101,1")
        #expect(bad?.excerpt == "1700000060000,abc,102,99,101,1")
    }

    @Test func pricesLandOnTicksExactly() throws {
        let file = try OHLCVFile.parse("""
            timestamp,open,high,low,close,volume
            1700000000000,2505.56,2513.38,2495.12,2509.15,114.6
            """)
        let tape = try ReplayTape(file: file, instrument: btcInstrument)
        // BTCUSDT's tick is 0.10: prices round half up onto it, volume onto 0.001.
        #expect(tape.bars[0].bar == MinuteBar(open: 25_056, high: 25_134, low: 24_951, close: 25_092, volume: 114_600))
        let tiny = try OHLCVFile.parse("timestamp,open,high,low,close,volume\n1700000000000,0.01,0.01,0.01,0.01,1")
        #expect(throws: OHLCVFileError.self) { try ReplayTape(file: tiny, instrument: btcInstrument) }
    }

    @Test func hourlyBarsExpandIntoMinutesThatAggregateBack() {
        var generator = SplitMix64(seed: 99)
        for index in 0..<200 {
            let open = 20_000 + Int64(generator.next() % 2_000)
            let close = 20_000 + Int64(generator.next() % 2_000)
            let high = max(open, close) + Int64(generator.next() % 300)
            let low = min(open, close) - Int64(generator.next() % 300)
            let bar = MinuteBar(open: open, high: high, low: low, close: close, volume: Int64(generator.next() % 1_000_000))
            let minutes = BarExpansion.minutes(of: bar, count: 60, generator: SplitMix64(seed: UInt64(index)))
            #expect(minutes.count == 60)
            #expect(minutes.first?.open == bar.open && minutes.last?.close == bar.close)
            #expect(minutes.map(\.high).max() == bar.high && minutes.map(\.low).min() == bar.low)
            #expect(minutes.reduce(0) { $0 + $1.volume } == bar.volume)
            #expect(minutes.allSatisfy { $0.low <= min($0.open, $0.close) && $0.high >= max($0.open, $0.close) && $0.volume >= 0 })
            for (previous, next) in zip(minutes, minutes.dropFirst()) { #expect(next.open == previous.close) }
        }
    }

    @Test(.enabled(if: MarketData.isPresent, "run deploy/local/setup to fetch Coinbase_BTCUSD_1h.csv"))
    func readsTheRealCoinbaseFile() throws {
        let file = try OHLCVFile.load(path: MarketData.coinbaseHourly)
        #expect(file.bars.count == 20_111)
        #expect(file.barMilliseconds == 3_600_000)
        let first = try #require(file.bars.first)
        let last = try #require(file.bars.last)
        // 2017-07-01 11-AM and 2019-10-17 09-AM, UTC.
        #expect(first.openTime == Timestamp(milliseconds: 1_498_906_800_000))
        #expect([first.open, first.high, first.low, first.close, first.volume]
            == ["2505.56", "2513.38", "2495.12", "2509.17", "114.6"].map(decimal))
        #expect(last.openTime == Timestamp(milliseconds: 1_571_302_800_000))
        #expect([last.open, last.high, last.low, last.close, last.volume]
            == ["8051", "8056.83", "8021.23", "8035.88", "61.25"].map(decimal))
        #expect(zip(file.bars, file.bars.dropFirst()).allSatisfy { $1.openTime.milliseconds - $0.openTime.milliseconds == 3_600_000 })
    }

    @Test(.enabled(if: MarketData.isPresent, "run deploy/local/setup to fetch Coinbase_BTCUSD_1h.csv"))
    func replayServesTheFileAsHistoryOverHTTPAndPlaysOn() async throws {
        let tape = try ReplayTape(file: try OHLCVFile.load(path: MarketData.coinbaseHourly), instrument: btcInstrument)
        let now = Timestamp(milliseconds: 1_750_000_000_000 + 30 * 60_000 + 12_345)
        let clock = ManualClock(now)
        let simulator = BybitSimulator(
            configuration: .init(seed: 1, historyMinutes: 2 * 1440, replay: tape), clock: SimulatorClock(clock))
        let port = try await simulator.start(port: 0)
        do {
            try await checkReplay(tape: tape, now: now, clock: clock, port: port)
        } catch {
            await simulator.stop()
            throw error
        }
        await simulator.stop()
    }

    func checkReplay(tape: ReplayTape, now: Timestamp, clock: ManualClock, port: Int) async throws {
        let client = BybitRESTClient(configuration: .init(baseURL: "http://127.0.0.1:\(port)"))
        let btc = btcInstrument.symbol

        _ = try await client.synchronizeTime()  // klines judge "closed" by the server's (manual) time

        // The history begins with the file's first bar, at the genesis midnight (2025-06-13).
        let history = try await client.klines(symbol: btc, timeframe: .h1, start: .epoch, limit: 1000)
        let genesis = Timeframe.d1.bucketStart(of: now.adding(milliseconds: -2 * 86_400_000))
        let first = try #require(history.first)
        #expect(first.openTime == genesis)
        #expect([first.open, first.high, first.low, first.close].map(\.value) == ["2505.6", "2513.4", "2495.1", "2509.2"].map(decimal))
        #expect(first.volume.value == decimal("114.6"))
        for (candle, bar) in zip(history.dropLast(), tape.bars) {
            let expected = [bar.bar.open, bar.bar.high, bar.bar.low, bar.bar.close].map { decimal(btcInstrument.price(ticks: $0)) }
            #expect([candle.open, candle.high, candle.low, candle.close].map(\.value) == expected)
        }
        #expect(history.count == 2 * 24 + 16)  // two days and today's hours up to 15:36
        #expect(history.last?.isClosed == false)

        // Time runs on through the file: an hour later the next file bar is history too.
        clock.advance(by: .seconds(3_600))
        _ = try await client.synchronizeTime()
        let later = try await client.klines(symbol: btc, timeframe: .h1, start: .epoch, limit: 1000)
        #expect(later.count == history.count + 1)
        #expect(Array(later.prefix(history.count - 1)) == Array(history.dropLast()))
        let tickers = try await client.tickers(symbol: btc)
        #expect(tickers.first?.lastPrice == later.last?.close)
    }
}
