import Core

/// What one public subscription pushes: its first message(s) on subscribe, then the updates
/// due at each tick of the simulator's loop. A feed remembers what it last sent, so updates
/// are deltas against what this connection has seen.
protocol TopicFeed: Sendable {
    /// The messages sent right after the subscribe acknowledgement.
    mutating func initial(_ simulator: BybitSimulator, now: Timestamp) -> [SimJSON]
    /// The messages due at `now` (possibly none).
    mutating func updates(_ simulator: BybitSimulator, now: Timestamp) -> [SimJSON]
}

extension PublicTopic {
    /// A fresh feed for this topic.
    func makeFeed(_ simulator: BybitSimulator) -> any TopicFeed {
        switch self {
        case .orderBook(let depth, let symbol): return BookFeed(symbol: symbol, depth: depth)
        case .trades(let symbol): return TradeFeed(symbol: symbol)
        case .kline(let timeframe, let symbol): return KlineFeed(symbol: symbol, timeframe: timeframe)
        case .ticker(let symbol): return TickerFeed(symbol: symbol)
        }
    }
}

/// A public push: `{"topic","type","ts","data", extra…}`.
func publicPush(topic: String, type: String, time: Timestamp, data: SimJSON, extra: [(String, SimJSON)] = []) -> SimJSON {
    .object([("topic", .string(topic)), ("type", .string(type)), ("ts", .int(time.milliseconds)), ("data", data)] + extra)
}
