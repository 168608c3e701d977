import Core

/// `orderbook.{depth}.{symbol}`: a snapshot on subscribe, then one message per book step, so
/// `u` is consecutive and equal to `MarketBoard`'s `updateID` (the counter REST shows). A delta
/// lists the levels that changed against the previous step; size "0" deletes a level. A step
/// with no change still gets an (empty) delta. Depth 1 is snapshot-only, as at Bybit.
struct BookFeed: TopicFeed {
    /// A connection further behind than this many steps gets a fresh snapshot instead of deltas.
    static let maxCatchUpSteps: Int64 = 100

    let symbol: Symbol
    let depth: Int
    private var last: SimulatedBook?

    init(symbol: Symbol, depth: Int) {
        self.symbol = symbol
        self.depth = depth
    }

    var topic: String { "orderbook.\(depth).\(symbol.rawValue)" }

    mutating func initial(_ simulator: BybitSimulator, now: Timestamp) -> [SimJSON] {
        let book = simulator.market.book(symbol, at: now, depth: depth)
        last = book
        return [message(simulator, type: "snapshot", book: book, bids: book.bids, asks: book.asks)]
    }

    mutating func updates(_ simulator: BybitSimulator, now: Timestamp) -> [SimJSON] {
        guard let previous = last else { return initial(simulator, now: now) }
        let market = simulator.market
        let current = market.book(symbol, at: now, depth: depth).updateID
        guard current > previous.updateID else { return [] }
        if depth == 1 || current - previous.updateID > Self.maxCatchUpSteps { return initial(simulator, now: now) }
        var messages: [SimJSON] = []
        var before = previous
        for updateID in (previous.updateID + 1)...current {
            let time = updateID == current ? now : market.started.adding(milliseconds: (updateID - 1) * MarketBoard.bookStep)
            let book = market.book(symbol, at: time, depth: depth)
            defer { before = book }
            if simulator.streams.takeBookDeltaSkip() { continue }
            messages.append(message(
                simulator, type: "delta", book: book,
                bids: Self.changes(from: before.bids, to: book.bids, descending: true),
                asks: Self.changes(from: before.asks, to: book.asks, descending: false)))
        }
        last = before
        return messages
    }

    /// The levels of `new` that differ from `old`, plus size-0 levels for prices gone from it.
    static func changes(from old: [BookLevel], to new: [BookLevel], descending: Bool) -> [BookLevel] {
        var oldSizes: [Int64: Int64] = [:]
        for level in old { oldSizes[level.priceTicks] = level.sizeUnits }
        var changed = new.filter { oldSizes[$0.priceTicks] != $0.sizeUnits }
        let remaining = Set(new.map(\.priceTicks))
        changed += old.filter { !remaining.contains($0.priceTicks) }.map { BookLevel(priceTicks: $0.priceTicks, sizeUnits: 0) }
        return changed.sorted { descending ? $0.priceTicks > $1.priceTicks : $0.priceTicks < $1.priceTicks }
    }

    private func message(_ simulator: BybitSimulator, type: String, book: SimulatedBook, bids: [BookLevel], asks: [BookLevel]) -> SimJSON {
        guard let instrument = simulator.market.instrument(symbol) else { return .object([]) }
        func levels(_ levels: [BookLevel]) -> SimJSON {
            .array(levels.map { .array([.string(instrument.price(ticks: $0.priceTicks)), .string(instrument.quantity(units: $0.sizeUnits))]) })
        }
        let data = SimJSON.object([
            ("s", .string(symbol.rawValue)), ("b", levels(bids)), ("a", levels(asks)),
            ("u", .int(book.updateID)), ("seq", .int(book.seq)),
        ])
        return publicPush(topic: topic, type: type, time: book.time, data: data, extra: [("cts", .int(book.time.milliseconds))])
    }
}
