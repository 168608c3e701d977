import Core
import Testing

@testable import Backtest

@Suite("Backtest data: resampling to higher timeframes")
struct ResamplerTests {
    let btc = try! Symbol("BTCUSDT")
    /// 2024-01-01T00:00Z, a Monday.
    let origin: Int64 = 1_704_067_200_000

    func price(_ value: Int) -> Price { try! Price(parsing: "\(value)") }

    /// One-minute candles from `first`, each opening at the previous close and moving by `moves`.
    func minutes(from first: Int64 = 0, _ moves: [Int], start: Int = 100, turnover: Bool = true) -> [Candle] {
        var close = start
        return moves.enumerated().map { index, move in
            let open = close
            close += move
            return try! Candle(
                symbol: btc, timeframe: .m1, openTime: Timestamp(milliseconds: origin + (first + Int64(index)) * 60_000),
                open: price(open), high: price(max(open, close) + 1), low: price(min(open, close) - 1), close: price(close),
                volume: try! Quantity(parsing: "\(index + 1)"), turnover: turnover ? try! Money(parsing: "10") : nil,
                isClosed: true)
        }
    }

    @Test func fiveMinutesByHand() throws {
        // Minutes 0–9: opens 100, closes 102, 99, 104, 104, 101 | 103, 103, 110, 108, 109.
        let bars = try Resampler.resample(minutes([2, -3, 5, 0, -3, 2, 0, 7, -2, 1]), to: .m5)
        #expect(bars.count == 2)
        let first = bars[0]
        #expect(first.timeframe == .m5)
        #expect(first.openTime == Timestamp(milliseconds: origin))
        #expect([first.open, first.high, first.low, first.close] == [price(100), price(105), price(98), price(101)])
        #expect(first.volume == (try Quantity(parsing: "15")))  // 1 + 2 + 3 + 4 + 5
        #expect(first.turnover == (try Money(parsing: "50")))
        #expect(first.isClosed)
        let second = bars[1]
        #expect(second.openTime == Timestamp(milliseconds: origin + 300_000))
        #expect([second.open, second.high, second.low, second.close] == [price(101), price(111), price(100), price(109)])
        #expect(second.volume == (try Quantity(parsing: "40")))  // 6 + … + 10
    }

    @Test func theBucketBuilderGivesTheResamplersCandlesBarByBar() throws {
        // Most of a day of minutes from 00:03, with holes: some buckets of every size incomplete.
        let moves = Array(repeating: 1, count: 1400).enumerated().map { $0.offset % 7 == 0 ? -3 : 1 }
        let candles = minutes(from: 3, moves, start: 1000, turnover: false).enumerated()
            .filter { ![10, 11, 200, 701, 702, 703, 1399].contains($0.offset) }.map(\.element)
        let series = try BarSeries(instrument: try DataInstrument.derive(symbol: btc, candles: candles), candles: candles)
        for target in [Timeframe.m5, .m15, .h1, .h4] {
            var builder = try BucketBuilder(target, from: .m1)
            let built = (0..<series.count).compactMap { builder.add($0, of: series) }
            let resampled = try Resampler.resample((0..<series.count).map(series.candle), to: target)
            #expect(built == resampled, "\(target)")
            #expect(!built.isEmpty)
        }
        #expect(throws: ResampleError.notAMultiple(source: .m3, target: .m5)) { try BucketBuilder(.m5, from: .m3) }
    }

    @Test func incompleteBucketsAreDroppedOrFlagged() throws {
        // Minutes 3–11: the 00:00 bucket lacks minutes 0–2, the 00:10 one has only 10 and 11.
        let bars = minutes(from: 3, [1, 1, 1, 1, 1, 1, 1, 1, 1])
        let dropped = try Resampler.resample(bars, to: .m5)
        #expect(dropped.map(\.openTime.milliseconds) == [origin + 300_000])
        let flagged = try Resampler.resample(bars, to: .m5, incomplete: .flag)
        #expect(flagged.map(\.openTime.milliseconds) == [origin, origin + 300_000, origin + 600_000])
        #expect(flagged.map(\.isClosed) == [false, true, false])
        #expect(flagged[0].open == price(100))
        #expect(flagged[2].close == price(109))
    }

    @Test func bucketsAreUTCAlignedAndChainsAgree() throws {
        let day = minutes(Array(repeating: 1, count: 1440).enumerated().map { $0.offset % 7 == 0 ? -2 : 1 }, start: 1000)
        let direct = try Resampler.resample(day, to: .h4)
        let chained = try Resampler.resample(try Resampler.resample(try Resampler.resample(day, to: .m5), to: .h1), to: .h4)
        #expect(direct == chained)
        #expect(direct.map(\.openTime.milliseconds) == (0..<6).map { origin + Int64($0) * 4 * 3_600_000 })
        #expect(direct.allSatisfy { $0.isClosed })
        let daily = try Resampler.resample(direct, to: .d1)
        #expect(daily.count == 1)
        #expect(daily[0].close == day[1439].close)
    }

    @Test func turnoverOnlyWhenEveryBarHasOne() throws {
        let bars = try Resampler.resample(minutes([1, 1, 1, 1, 1], turnover: false), to: .m5)
        #expect(bars[0].turnover == nil)
    }

    @Test func theSameTimeframeIsUnchanged() throws {
        let bars = minutes([1, -1, 2])
        #expect(try Resampler.resample(bars, to: .m1) == bars)
    }

    @Test func refusesWhatCannotBeResampled() throws {
        let threeMinutes = try Candle(
            symbol: btc, timeframe: .m3, openTime: Timestamp(milliseconds: origin), open: price(1), high: price(1),
            low: price(1), close: price(1), volume: .zero, isClosed: true)
        #expect(throws: ResampleError.notAMultiple(source: .m3, target: .m5)) { try Resampler.resample([threeMinutes], to: .m5) }
        #expect(throws: ResampleError.notAMultiple(source: .m3, target: .m1)) { try Resampler.resample([threeMinutes], to: .m1) }
        let bars = minutes([1, 1, 1])
        #expect(throws: ResampleError.notInOrder(at: bars[0].openTime)) {
            try Resampler.resample([bars[1], bars[0], bars[2]], to: .m5)
        }
        #expect(throws: ResampleError.notInOrder(at: bars[1].openTime)) {
            try Resampler.resample([bars[0], bars[1], bars[1]], to: .m5)
        }
        #expect(throws: ResampleError.notInOrder(at: bars[0].openTime)) {
            try Resampler.resample(minutes(from: 7, [1]) + [bars[0]], to: .m5)
        }
    }
}
