import Core
import Testing

@testable import Backtest

@Suite("Backtest reports: chart downsampling")
struct ReportDownsamplingTests {
    @Test func linesKeepTheGlobalMinimumAndMaximum() {
        var points = (0..<10_000).map { ChartPoint(time: Int64($0) * 300_000, value: 100 + Double($0 % 17)) }
        points[1234] = ChartPoint(time: points[1234].time, value: 3)
        points[7777] = ChartPoint(time: points[7777].time, value: 999)
        let thinned = ChartDownsampling.extremes(points, limit: 200)
        #expect(thinned.count <= 200 && thinned.count > 100)
        #expect(thinned.contains(points[1234]) && thinned.contains(points[7777]))
        #expect(zip(thinned, thinned.dropFirst()).allSatisfy { $0.time < $1.time })
        #expect(ChartDownsampling.extremes(Array(points.prefix(50)), limit: 200) == Array(points.prefix(50)))
    }

    @Test func barsKeepTheHighestHighAndLowestLow() throws {
        let symbol = try Symbol("BTCUSDT")
        let candles = try (0..<5_000).map { index -> Candle in
            let high = index == 4321 ? "250" : "101"
            let low = index == 17 ? "40" : "99"
            return try Candle(
                symbol: symbol, timeframe: .m5, openTime: Timestamp(milliseconds: Int64(index) * 300_000),
                open: try Price(parsing: "100"), high: try Price(parsing: high), low: try Price(parsing: low),
                close: try Price(parsing: index == 4_999 ? "100.5" : "100"), volume: try Quantity(parsing: "1"), isClosed: true)
        }
        let bars = ChartDownsampling.bars(candles, limit: 100)
        #expect(bars.count == 100)
        #expect(bars.map(\.high).max() == 250 && bars.map(\.low).min() == 40)
        #expect(bars.first?.time == 0 && bars.last?.close == 100.5)
        #expect(bars.map(\.time) == (0..<100).map { Int64($0) * 50 * 300_000 })
    }

    @Test func bucketsCoverEveryPositionOnce() {
        let buckets = ChartDownsampling.buckets(count: 10, limit: 3)
        #expect(buckets == [0..<3, 3..<6, 6..<10])
        #expect(ChartDownsampling.buckets(count: 2, limit: 5) == [0..<1, 1..<2])
        #expect(ChartDownsampling.buckets(count: 0, limit: 5).isEmpty)
    }
}
