import Core

/// `kline.{interval}.{symbol}`: the current candle on subscribe and whenever it changes; when
/// a candle ends, its final form with `confirm: true` before the next one.
struct KlineFeed: TopicFeed {
    let symbol: Symbol
    let timeframe: Timeframe
    private var lastStart: Timestamp?
    private var lastSent: String?

    init(symbol: Symbol, timeframe: Timeframe) {
        self.symbol = symbol
        self.timeframe = timeframe
    }

    mutating func initial(_ simulator: BybitSimulator, now: Timestamp) -> [SimJSON] {
        lastStart = nil
        lastSent = nil
        return updates(simulator, now: now)
    }

    mutating func updates(_ simulator: BybitSimulator, now: Timestamp) -> [SimJSON] {
        let start = timeframe.bucketStart(of: now)
        var messages: [SimJSON] = []
        if let lastStart, lastStart != start, let closed = candle(simulator, start: lastStart, now: now, confirm: true) {
            messages.append(push(closed, now: now))
            simulator.configuration.probe?.candleClosed(symbol, timeframe, lastStart)
        }
        guard let current = candle(simulator, start: start, now: now, confirm: false) else { return messages }
        let text = current.serialized
        if text != lastSent || lastStart != start { messages.append(push(current, now: now)) }
        lastStart = start
        lastSent = text
        return messages
    }

    private func push(_ candle: SimJSON, now: Timestamp) -> SimJSON {
        publicPush(topic: "kline.\(timeframe.bybitInterval).\(symbol.rawValue)", type: "snapshot", time: now, data: .array([candle]))
    }

    /// The candle starting at `start`, from the same rows REST `/v5/market/kline` serves.
    private func candle(_ simulator: BybitSimulator, start: Timestamp, now: Timestamp, confirm: Bool) -> SimJSON? {
        let end = start.adding(milliseconds: timeframe.milliseconds)
        let row = simulator.market.withSeries(symbol, through: now) { series -> SimJSON? in
            let from = max(series.minuteIndex(start), 0)
            let to = min(series.minuteIndex(end) - 1, Int64(series.bars.count) - 1)
            guard from <= to else { return nil }
            return BybitSimulator.klineRow(series: series, start: start, minutes: from...to, now: now)
        } ?? nil
        // A REST row is [start, open, high, low, close, volume, turnover].
        guard case .array(let cells)? = row, cells.count == 7 else { return nil }
        return .object([
            ("start", .int(start.milliseconds)), ("end", .int(end.milliseconds - 1)),
            ("interval", .string(timeframe.bybitInterval)),
            ("open", cells[1]), ("close", cells[4]), ("high", cells[2]), ("low", cells[3]),
            ("volume", cells[5]), ("turnover", cells[6]),
            ("confirm", .bool(confirm)), ("timestamp", .int(now.milliseconds)),
        ])
    }
}
