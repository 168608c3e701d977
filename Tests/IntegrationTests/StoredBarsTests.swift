import Backtest
import Core
import MarketData
import Testing

/// Backtest bars from the candles marketdata stored, against the real PostgreSQL.
@Suite("StoredBarsTests")
struct StoredBarsTests {
    typealias Stored = CandleStoreTests

    @Test func loadsClosedCandlesReportsGapsAndFillsThemOnlyWhenAsked() async throws {
        try await Stored.withStore("stored_bars") { store in
            try await store.upsert([
                try Stored.candle(0, close: "100.5"), try Stored.candle(1, close: "100.75"), try Stored.candle(4, close: "100.5"),
                try Stored.candle(5, closed: false),
            ])
            let load = { (repairs: BarRepairs) in
                try await StoredBars.load(
                    from: store, symbol: Stored.symbol, timeframe: .m1, from: Stored.minute(0), through: Stored.minute(9),
                    repairs: repairs)
            }
            do {
                _ = try await load([])
                Issue.record("a gap must refuse the bars")
            } catch let BarDataError.refused(source, issues) {
                #expect(source.hasPrefix("candles BTCUSDT 1m"))
                #expect(issues.map(\.line) == [2])
                #expect(issues.map(\.kind) == [.gap(after: Stored.minute(1), missingBars: 2)])
            }
            let filled = try await load(.fillGaps)
            // The forming candle at minute 5 is not a bar to test on.
            #expect(filled.candles.map(\.openTime) == (0...4).map(Stored.minute))
            #expect(filled.candles[2].close == (try Price(parsing: "100.75")))
            #expect(filled.candles[2].volume == .zero)
            #expect(filled.issues.map(\.repaired) == [true])
            await #expect(throws: BarDataError.self) {
                try await StoredBars.load(
                    from: store, symbol: Stored.symbol, timeframe: .m1, from: Stored.minute(20), through: Stored.minute(30))
            }
        }
    }
}
