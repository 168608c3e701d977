import Core
import ExchangeSimulator

extension BacktestVenue {
    /// Runs one bar of `symbol`: actions arriving and funding falling inside it, in time order,
    /// and every trigger the path reaches between them. Bars of a symbol come oldest first.
    public mutating func run(_ bar: VenueBar, symbol: Symbol) throws {
        guard let number = bookNumbers[symbol] else {
            throw BacktestConfigurationError(field: "symbol", reason: "\(symbol) has no instrument in this backtest")
        }
        try run(bar, book: number)
    }

    /// `run(_:symbol:)` for the `book`-th instrument, as the loop calls it.
    public mutating func run(_ bar: VenueBar, book number: Int) throws {
        defer { books[number].lastPrice = bar.close }
        guard books[number].isActive else { return }
        let symbol = books[number].instrument.symbol
        var book = books[number]
        let events = timedEvents(bar, &book)
        books[number] = book
        var run = BarRun(bar: bar, path: IntraBarPath(bar, holding: book.position.side))
        var next = 0
        while true {
            let eventAt = next < events.count ? bar.fraction(of: events[next].time) : 1
            let legEnd = Double(IntraBarPath.leg(at: run.cursor) + 1) / 3
            let pieceEnd = min(eventAt, legEnd)
            refreshTrailing(symbol, price: run.path.price(at: run.cursor))
            if let trigger = earliestTrigger(symbol, run, to: pieceEnd) {
                run.cursor = trigger.fraction
                try fire(trigger, symbol: symbol, &run)
                continue
            }
            refreshTrailing(symbol, price: run.path.price(at: pieceEnd))
            run.cursor = pieceEnd
            guard run.cursor == eventAt else { continue }
            guard next < events.count else { break }
            try apply(events[next], symbol: symbol, &run)
            next += 1
        }
    }

    /// Funding boundaries in the bar and the actions due before its close (earlier ones at its
    /// open), funding first at a shared moment; the actions are taken off the queue.
    private func timedEvents(_ bar: VenueBar, _ book: inout SymbolBook) -> [TimedEvent] {
        var events: [TimedEvent] = []
        let interval = VenueSettings.fundingIntervalMs
        var boundary = (bar.openTime.milliseconds + interval - 1).floorDivided(by: interval) * interval
        while boundary < bar.closeTime.milliseconds {
            events.append(.funding(Timestamp(milliseconds: boundary)))
            boundary += interval
        }
        let due = book.pending.filter { $0.time < bar.closeTime }
        book.pending.removeAll { $0.time < bar.closeTime }
        events += due.map { .action(max($0.time, bar.openTime), $0.action) }
        // Stable: actions keep the order they were asked in.
        return events.enumerated().sorted { a, b in
            a.element.time != b.element.time ? a.element.time < b.element.time
                : a.element.rank != b.element.rank ? a.element.rank < b.element.rank : a.offset < b.offset
        }.map(\.element)
    }

    private mutating func apply(_ event: TimedEvent, symbol: Symbol, _ run: inout BarRun) throws {
        let price = run.path.price(at: run.cursor)
        let time = run.bar.time(at: run.cursor)
        switch event {
        case .funding(let at): try settleFunding(symbol, price: price, at: at)
        case .action(_, let action): try take(action, symbol: symbol, price: price, at: time, &run)
        }
    }

    // MARK: Triggers

    /// The first trigger the path reaches from the cursor to `end` (within one leg), and where.
    private func earliestTrigger(_ symbol: Symbol, _ run: BarRun, to end: Double) -> Trigger? {
        let book = self[book: symbol]
        var candidates: [Trigger] = []
        func consider(_ kind: Trigger.Kind, _ level: Int64, _ direction: PriceDirection) {
            if let at = run.path.firstReach(level, direction, from: run.cursor, to: end) {
                candidates.append(Trigger(kind: kind, level: level, fraction: at))
            }
        }
        if let side = book.position.side {
            let adverse: PriceDirection = side == .buy ? .down : .up
            if let liquidation = book.position.liquidationTicks(maintenanceRate: settings.maintenanceMarginRate, instrument: book.instrument) {
                consider(.liquidation, liquidation, adverse)
            }
            if let stop = book.stopLoss { consider(.stopLoss, stop, adverse) }
            if let trailing = book.trailing {
                consider(.trailingStop, side == .buy ? trailing.extreme - trailing.distance : trailing.extreme + trailing.distance, adverse)
            }
            if let target = book.takeProfit { consider(.takeProfit, target, side == .buy ? .up : .down) }
        }
        for id in book.resting where run.capacityLeft(id, participation: settings.participation, step: book.instrument.qtyStepUnits) != 0 {
            let order = orders[id]!
            guard case .limit(let limit, _) = order.request.kind else { continue }
            consider(.limit(id), limit, order.request.side == .buy ? .down : .up)
        }
        return candidates.min { a, b in a.fraction != b.fraction ? a.fraction < b.fraction : a.kind.rank < b.kind.rank }
    }

    private mutating func fire(_ trigger: Trigger, symbol: Symbol, _ run: inout BarRun) throws {
        let book = self[book: symbol]
        let time = run.bar.time(at: run.cursor)
        let atPath = run.path.price(at: run.cursor)
        let side = book.position.side ?? .buy
        // Reached inside the leg: at the level; already beyond it (a gap): at the path's price.
        let beyond = side == .buy ? min(atPath, trigger.level) : max(atPath, trigger.level)
        switch trigger.kind {
        case .liquidation:
            try liquidate(symbol, at: time)
        case .stopLoss, .trailingStop, .takeProfit:
            let cause: FillCause = switch trigger.kind {
            case .stopLoss: .stopLoss
            case .trailingStop: .trailingStop
            default: .takeProfit
            }
            let price = trigger.kind == .takeProfit ? (side == .buy ? max(atPath, trigger.level) : min(atPath, trigger.level)) : beyond
            try closePosition(symbol, price: price, volume: run.bar.volume, cause: cause, at: time)
        case .limit(let id):
            let order = orders[id]!
            let qty = min(executable(order), run.capacityLeft(id, participation: settings.participation, step: book.instrument.qtyStepUnits) ?? .max)
            guard qty > 0 else {
                finish(id, status: .cancelled, at: time)
                return
            }
            run.used[id, default: 0] += qty
            try fill(id, qty: qty, price: trigger.level, isMaker: true, at: time)
        }
    }

    /// The trailing stop's best price, moved to `price` when that is better.
    private mutating func refreshTrailing(_ symbol: Symbol, price: Int64) {
        guard let side = self[book: symbol].position.side, var trailing = self[book: symbol].trailing else { return }
        trailing.extreme = side == .buy ? max(trailing.extreme, price) : min(trailing.extreme, price)
        self[book: symbol].trailing = trailing
    }
}

/// A moment in a bar when something happens whatever the price does.
enum TimedEvent: Sendable {
    case funding(Timestamp)
    case action(Timestamp, VenueAction)

    var time: Timestamp {
        switch self {
        case .funding(let time), .action(let time, _): time
        }
    }

    var rank: Int {
        if case .funding = self { return 0 }
        return 1
    }
}

/// A level the path reached.
struct Trigger: Sendable {
    enum Kind: Sendable, Equatable {
        case liquidation, stopLoss, trailingStop, limit(String), takeProfit

        /// At one moment the pessimistic order.
        var rank: Int {
            switch self {
            case .liquidation: 0
            case .stopLoss: 1
            case .trailingStop: 2
            case .limit: 3
            case .takeProfit: 4
            }
        }
    }

    let kind: Kind
    let level: Int64
    let fraction: Double
}

/// One bar in progress: where on the path it is, and what each resting limit has filled in it.
struct BarRun: Sendable {
    let bar: VenueBar
    let path: IntraBarPath
    var cursor = 0.0
    var used: [String: Int64] = [:]

    init(bar: VenueBar, path: IntraBarPath) {
        self.bar = bar
        self.path = path
    }

    /// What order `id` may still fill in this bar (a whole number of steps); nil: no limit.
    func capacityLeft(_ id: String, participation: FixedPoint?, step: Int64) -> Int64? {
        guard let participation else { return nil }
        let cap = Int64(Int128(bar.volume) * Int128(participation.units) / powerOfTen(Int(participation.scale)))
        let left = max(0, cap - used[id, default: 0])
        return left / step * step
    }
}

extension Int64 {
    /// Division rounding toward negative infinity.
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
