import Core

/// One kline request: every candle whose open time is in `start ... end` (both open times,
/// both inclusive), `limit` of them, which is exactly how many that range holds.
public struct KlineRequest: Sendable, Hashable, CustomStringConvertible {
    public let start: Timestamp
    public let end: Timestamp
    public let limit: Int

    public init(start: Timestamp, end: Timestamp, limit: Int) {
        self.start = start
        self.end = end
        self.limit = limit
    }

    public var description: String { "klines \(start) ... \(end) (\(limit))" }
}

/// Works out which REST requests fill the missing closed candles of a window, and nothing more.
public enum BackfillPlanner {
    /// Bybit's largest kline page.
    public static let bybitPageLimit = 1000

    /// Open times of the closed candles that lie wholly inside `[from, now)`, oldest first: the
    /// first starts at or after `from` (rounded up to the timeframe), the last closes at or
    /// before `now`, so the candle still forming at `now` is never among them.
    public static func expectedOpenTimes(timeframe: Timeframe, from: Timestamp, now: Timestamp) -> [Timestamp] {
        let step = timeframe.milliseconds
        var openTime = timeframe.bucketStart(of: from)
        if openTime < from { openTime = openTime.adding(milliseconds: step) }
        var times: [Timestamp] = []
        while openTime.adding(milliseconds: step) <= now {
            times.append(openTime)
            openTime = openTime.adding(milliseconds: step)
        }
        return times
    }

    /// The requests that fetch every expected closed candle of `[from, now)` not in `stored`:
    /// one per contiguous run of missing candles, split into pages of at most `pageLimit`.
    public static func plan(
        timeframe: Timeframe, stored: Set<Timestamp>, from: Timestamp, now: Timestamp,
        pageLimit: Int = bybitPageLimit
    ) -> [KlineRequest] {
        precondition(pageLimit > 0, "a page holds at least one candle")
        var requests: [KlineRequest] = []
        var page: [Timestamp] = []
        func closePage() {
            guard let first = page.first, let last = page.last else { return }
            requests.append(KlineRequest(start: first, end: last, limit: page.count))
            page.removeAll(keepingCapacity: true)
        }
        for openTime in expectedOpenTimes(timeframe: timeframe, from: from, now: now) {
            if stored.contains(openTime) {
                closePage()
            } else {
                page.append(openTime)
                if page.count == pageLimit { closePage() }
            }
        }
        closePage()
        return requests
    }
}
