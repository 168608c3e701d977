import Core

/// Fills the stored closed candles of a window from the venue: plans what is missing
/// (`BackfillPlanner`), fetches it page by page, checks that every missing open time came back
/// exactly once as a closed candle, and stores the result.
public struct Backfiller: Sendable {
    public let store: CandleStore
    public let source: any KlineSource
    public let pageLimit: Int

    public init(store: CandleStore, source: any KlineSource, pageLimit: Int = BackfillPlanner.bybitPageLimit) {
        self.store = store
        self.source = source
        self.pageLimit = pageLimit
    }

    /// What one run did.
    public struct Report: Sendable, Hashable {
        /// The requests sent (empty when the store already had the whole window).
        public let requests: [KlineRequest]
        /// Candles stored by this run.
        public let stored: Int
    }

    /// Makes the store hold every closed candle of `[from, now)`. Throws `BackfillGapError`
    /// (after storing what did arrive) when the venue leaves some open times unanswered.
    @discardableResult
    public func backfill(symbol: Symbol, timeframe: Timeframe, from: Timestamp, now: Timestamp) async throws -> Report {
        let expected = BackfillPlanner.expectedOpenTimes(timeframe: timeframe, from: from, now: now)
        guard let first = expected.first, let last = expected.last else { return Report(requests: [], stored: 0) }
        let stored = try await store.closedOpenTimes(symbol: symbol, timeframe: timeframe, from: first, through: last)
        let requests = BackfillPlanner.plan(
            timeframe: timeframe, stored: stored, from: from, now: now, pageLimit: pageLimit)

        var fetched: [Timestamp: Candle] = [:]
        var missing: [Timestamp] = []
        for request in requests {
            let page = try await source.klines(
                symbol: symbol, timeframe: timeframe, start: request.start, end: request.end, limit: request.limit)
            // A candle over by `now` is closed even when the source judged it forming: its estimate
            // of the venue's clock can lag a fast venue (the simulator at speed), while `now` may
            // be the close the stream confirmed for a later candle.
            for candle in page where (candle.isClosed || candle.closeTime <= now) && candle.symbol == symbol
                && candle.timeframe == timeframe && (request.start...request.end).contains(candle.openTime)
            {
                fetched[candle.openTime] = fetched[candle.openTime] ?? candle.markedClosed
            }
            missing += BackfillPlanner.expectedOpenTimes(
                timeframe: timeframe, from: request.start, now: request.end.adding(milliseconds: timeframe.milliseconds)
            ).filter { fetched[$0] == nil }
        }
        let candles = fetched.values.sorted { $0.openTime < $1.openTime }
        try await store.upsert(candles)
        if !missing.isEmpty { throw BackfillGapError(symbol: symbol, timeframe: timeframe, missing: missing) }
        return Report(requests: requests, stored: candles.count)
    }
}
