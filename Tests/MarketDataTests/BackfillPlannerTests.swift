import Core
import MarketData
import Testing

@Suite("BackfillPlannerTests")
struct BackfillPlannerTests {
    /// 2026-01-05 00:00 UTC, a Monday: aligned to every timeframe.
    static let origin = Timestamp(milliseconds: 1_767_571_200_000)

    static func minute(_ n: Int64) -> Timestamp { origin.adding(milliseconds: n * 60_000) }

    static func request(_ first: Int64, _ last: Int64) -> KlineRequest {
        KlineRequest(start: minute(first), end: minute(last), limit: Int(last - first + 1))
    }

    @Test func emptyStoreFetchesTheWholeWindowInOneRequest() {
        let plan = BackfillPlanner.plan(timeframe: .m1, stored: [], from: Self.minute(0), now: Self.minute(100))
        #expect(plan == [Self.request(0, 99)])
    }

    @Test func holesInTheMiddleAreFetchedAndNothingStoredIsFetchedAgain() {
        let stored = Set((0..<100).filter { !(10..<20).contains($0) && !(50..<51).contains($0) }.map(Self.minute))
        let plan = BackfillPlanner.plan(timeframe: .m1, stored: stored, from: Self.minute(0), now: Self.minute(100))
        #expect(plan == [Self.request(10, 19), Self.request(50, 50)])
    }

    @Test func missingEdgesAreFetched() {
        let stored = Set((5..<95).map(Self.minute))
        let plan = BackfillPlanner.plan(timeframe: .m1, stored: stored, from: Self.minute(0), now: Self.minute(100))
        #expect(plan == [Self.request(0, 4), Self.request(95, 99)])
    }

    @Test func aFullyStoredWindowNeedsNoRequest() {
        let stored = Set((0..<100).map(Self.minute))
        #expect(BackfillPlanner.plan(timeframe: .m1, stored: stored, from: Self.minute(0), now: Self.minute(100)).isEmpty)
    }

    @Test func longRunsSplitIntoPagesOfAtMostTheLimit() {
        let plan = BackfillPlanner.plan(timeframe: .m1, stored: [], from: Self.minute(0), now: Self.minute(2500))
        #expect(plan == [Self.request(0, 999), Self.request(1000, 1999), Self.request(2000, 2499)])
        #expect(plan.allSatisfy { $0.limit <= BackfillPlanner.bybitPageLimit })
    }

    @Test func pagesNeverCrossAStoredCandleAndCoverEachMissingTimeOnce() {
        let stored: Set<Timestamp> = [Self.minute(3)]
        let plan = BackfillPlanner.plan(
            timeframe: .m1, stored: stored, from: Self.minute(0), now: Self.minute(10), pageLimit: 2)
        #expect(plan == [
            Self.request(0, 1), Self.request(2, 2), Self.request(4, 5), Self.request(6, 7), Self.request(8, 9),
        ])
    }

    @Test func windowEdgesAreAlignedToTheTimeframe() {
        let hour: Int64 = 60
        // From 00:10 to 03:30: the 00:00 candle starts before the window and the 03:00 one has
        // not closed, so the window holds the 01:00 and 02:00 candles.
        let from = Self.minute(10)
        let now = Self.minute(3 * hour + 30)
        #expect(BackfillPlanner.expectedOpenTimes(timeframe: .h1, from: from, now: now)
            == [Self.minute(hour), Self.minute(2 * hour)])
        #expect(BackfillPlanner.plan(timeframe: .h1, stored: [], from: from, now: now)
            == [KlineRequest(start: Self.minute(hour), end: Self.minute(2 * hour), limit: 2)])
    }

    @Test func theCandleStillFormingIsNeverRequested() {
        // One millisecond before the 00:05 candle closes, it is still forming.
        let now = Self.minute(6).adding(milliseconds: -1)
        let plan = BackfillPlanner.plan(timeframe: .m1, stored: [], from: Self.minute(0), now: now)
        #expect(plan == [Self.request(0, 4)])
        #expect(BackfillPlanner.plan(timeframe: .m1, stored: [], from: Self.minute(0), now: Self.minute(6))
            == [Self.request(0, 5)])
    }

    @Test func anEmptyWindowNeedsNoRequest() {
        #expect(BackfillPlanner.plan(timeframe: .m5, stored: [], from: Self.minute(0), now: Self.minute(4)).isEmpty)
        #expect(BackfillPlanner.plan(timeframe: .m5, stored: [], from: Self.minute(10), now: Self.minute(0)).isEmpty)
    }

    @Test func weeklyCandlesStartOnMonday() {
        let week = Int64(7 * 1440)
        let plan = BackfillPlanner.plan(
            timeframe: .w1, stored: [], from: Self.minute(-3 * 1440), now: Self.minute(2 * week + 1))
        #expect(plan == [KlineRequest(start: Self.minute(0), end: Self.minute(week), limit: 2)])
    }
}
