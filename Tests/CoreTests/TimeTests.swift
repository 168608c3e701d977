import Foundation
import Testing
import Core

@Suite("Timeframe and Timestamp")
struct TimeTests {
    @Test func labelsSecondsAndBybitIntervals() throws {
        let expected: [(Timeframe, String, Int64, String)] = [
            (.m1, "1m", 60, "1"), (.m3, "3m", 180, "3"), (.m5, "5m", 300, "5"), (.m15, "15m", 900, "15"),
            (.m30, "30m", 1800, "30"), (.h1, "1h", 3600, "60"), (.h2, "2h", 7200, "120"),
            (.h4, "4h", 14_400, "240"), (.h6, "6h", 21_600, "360"), (.h12, "12h", 43_200, "720"),
            (.d1, "1d", 86_400, "D"), (.w1, "1w", 604_800, "W"),
        ]
        #expect(expected.map(\.0) == Timeframe.allCases)
        for (timeframe, label, seconds, interval) in expected {
            #expect(timeframe.label == label)
            #expect(timeframe.seconds == seconds)
            #expect(timeframe.milliseconds == seconds * 1000)
            #expect(timeframe.duration == .seconds(seconds))
            #expect(timeframe.bybitInterval == interval)
            #expect(Timeframe(label: label) == timeframe)
            #expect(Timeframe(bybitInterval: interval) == timeframe)
            #expect(try Timeframe.parse(label) == timeframe)
        }
    }

    @Test(arguments: ["", "5", "5M", "1min", "60m", "1D", " 5m", "D"])
    func unknownLabelsAreRefused(label: String) {
        #expect(Timeframe(label: label) == nil)
        let error = #expect(throws: TimeframeError.self) { try Timeframe.parse(label) }
        #expect(error?.input == label)
        #expect(error?.description.contains("1m, 3m, 5m") == true)
    }

    @Test func unknownBybitIntervals() {
        #expect(Timeframe(bybitInterval: "M") == nil)
        #expect(Timeframe(bybitInterval: "1m") == nil)
        #expect(Timeframe(bybitInterval: "") == nil)
    }

    @Test func codableUsesLabel() throws {
        let data = try JSONEncoder().encode([Timeframe.m15])
        #expect(String(decoding: data, as: UTF8.self) == #"["15m"]"#)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Timeframe].self, from: Data(#"["15"]"#.utf8)) }
    }

    // 1700000000000 = 2023-11-14T22:13:20Z, a Tuesday.
    @Test(arguments: [
        (Timeframe.m1, Int64(1_700_000_000_000), Int64(1_699_999_980_000)),
        (.m5, 1_700_000_123_456, 1_700_000_100_000),
        (.m5, 1_700_000_100_000, 1_700_000_100_000),
        (.m5, 1_700_000_099_999, 1_699_999_800_000),
        (.h1, 1_700_000_000_000, 1_699_999_200_000),
        (.h4, 1_700_000_000_000, 1_699_992_000_000),
        (.d1, 1_700_000_000_000, 1_699_920_000_000),
        (.w1, 1_700_000_000_000, 1_699_833_600_000),  // Monday 2023-11-13T00:00Z
        (.w1, 1_699_833_600_000, 1_699_833_600_000),
        (.w1, 1_699_833_599_999, 1_699_228_800_000),
        (.w1, 0, -259_200_000),  // Monday 1969-12-29
        (.m1, -1, -60_000),
        (.d1, -86_400_001, -172_800_000),
    ])
    func bucketStart(timeframe: Timeframe, time: Int64, expected: Int64) {
        let start = timeframe.bucketStart(of: Timestamp(milliseconds: time))
        #expect(start.milliseconds == expected)
        #expect(timeframe.isBucketStart(start))
        #expect(timeframe.isBucketStart(Timestamp(milliseconds: time)) == (time == expected))
    }

    @Test(arguments: Timeframe.allCases)
    func bucketInvariants(timeframe: Timeframe) {
        for time in stride(from: Int64(-3_000_000_000), through: 3_000_000_000_000, by: 97_654_321_987) {
            let start = timeframe.bucketStart(of: Timestamp(milliseconds: time))
            #expect(start.milliseconds <= time)
            #expect(time < start.milliseconds + timeframe.milliseconds)
            #expect(timeframe.bucketStart(of: start) == start)
        }
    }

    @Test func weeklyBucketsStartOnMonday() {
        let start = Timeframe.w1.bucketStart(of: Timestamp(milliseconds: 1_700_000_000_000))
        #expect(start.description == "2023-11-13T00:00:00.000Z")
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (1_700_000_000_000, "2023-11-14T22:13:20.000Z"),
        (1_709_208_000_123, "2024-02-29T12:00:00.123Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
    ])
    func timestampDescription(milliseconds: Int64, expected: String) {
        #expect(Timestamp(milliseconds: milliseconds).description == expected)
    }

    @Test func timestampArithmetic() {
        let t = Timestamp(milliseconds: 1_000)
        #expect(t + .milliseconds(1_500) == Timestamp(milliseconds: 2_500))
        #expect(t - .seconds(2) == Timestamp(milliseconds: -1_000))
        #expect(t + .microseconds(1_999) == Timestamp(milliseconds: 1_001))  // truncated
        #expect(t - .microseconds(1_999) == Timestamp(milliseconds: 999))
        #expect(Timestamp(milliseconds: 2_500) - t == .milliseconds(1_500))
        #expect(t - Timestamp(milliseconds: 2_500) == .milliseconds(-1_500))
        #expect(t.adding(milliseconds: -1) == Timestamp(milliseconds: 999))
        #expect(Timestamp(milliseconds: 1) < Timestamp(milliseconds: 2))
        #expect(Timestamp(milliseconds: 1_999).seconds == 1)
        #expect(Timestamp(milliseconds: -1).seconds == -1)
        #expect(Timestamp(milliseconds: -1_000).seconds == -1)
    }

    @Test func timestampCodableIsMilliseconds() throws {
        let data = try JSONEncoder().encode([Timestamp(milliseconds: 1_700_000_000_000)])
        #expect(String(decoding: data, as: UTF8.self) == "[1700000000000]")
        #expect(try JSONDecoder().decode([Timestamp].self, from: data) == [Timestamp(milliseconds: 1_700_000_000_000)])
    }
}

@Suite("Clocks")
struct ClockTests {
    @Test func manualClockMovesOnlyWhenTold() {
        let clock = ManualClock(Timestamp(milliseconds: 1_000))
        #expect(clock.now() == Timestamp(milliseconds: 1_000))
        #expect(clock.now() == Timestamp(milliseconds: 1_000))
        #expect(clock.advance(by: .seconds(5)) == Timestamp(milliseconds: 6_000))
        #expect(clock.now() == Timestamp(milliseconds: 6_000))
        clock.set(to: Timestamp(milliseconds: 42))
        #expect(clock.now() == Timestamp(milliseconds: 42))
        #expect(ManualClock().now() == .epoch)
    }

    @Test func manualClockIsThreadSafe() async {
        let clock = ManualClock()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<1_000 { clock.advance(by: .milliseconds(1)) }
                }
            }
        }
        #expect(clock.now() == Timestamp(milliseconds: 8_000))
    }

    @Test func clocksAreInterchangeable() {
        func elapsed(_ clock: any TradingClock, since start: Timestamp) -> Duration { clock.now() - start }
        let manual = ManualClock(Timestamp(milliseconds: 10))
        manual.advance(by: .milliseconds(5))
        #expect(elapsed(manual, since: Timestamp(milliseconds: 10)) == .milliseconds(5))
    }

    @Test func liveClockFollowsSystemTime() {
        let system = Int64(Date().timeIntervalSince1970 * 1000)
        let live = LiveClock().now().milliseconds
        #expect(abs(live - system) < 5_000)
        #expect(live > 1_700_000_000_000)
    }
}
