import Config
import Core
import ExchangeSimulator
import OrderManagement
import Risk
import Strategy

/// The live system's decision path on the backtest venue: the strategies' intents (`SignalTape`),
/// risk's `RiskEngine` with a `PortfolioTracker` kept from the venue as the risk service keeps
/// it from execution's reports, the approved order built as risk publishes it, and execution's
/// `TradePlan` and `TradeManager` carrying it out. Only the shells differ: no Kafka, no
/// PostgreSQL, a simulated clock.
///
/// The market statistics risk sizes with (returns for correlation, the ATR fraction) are fed
/// from the symbol's bars since they were last fed (at most 200), as a risk service that has run
/// at least that long would hold them, before each decision that reaches sizing: risk reads them
/// nowhere else (`RiskEngine.screen`), and refuses most intents before it.
public struct StrategyDesk: BacktestDesk {
    public let engine: RiskEngine
    public let policy: ExecutionPolicy
    private let tape: SignalTape
    /// Weeks taken from the tape.
    private var weeksTaken = 0
    /// Each series' intents taken from the tape and not yet decided, newest first: each is
    /// removed from the end as it is decided, which moves it out rather than copying it.
    private var undecided: [[Intent]]
    /// Intents decided since the last week was taken, given back to the tape then (`SignalTape.giveBack`).
    private var decided: [Intent] = []
    /// When each series' next intent was created (ms; `Int64.max` when it has none taken): one
    /// flat array to test at every close, rather than each series' intents.
    private var nextIntentTime: [Int64]
    private var tracker: PortfolioTracker
    private var fedThrough: [Symbol: Int] = [:]
    /// Symbols risk last heard of as open, to be told when they close.
    private var reportedOpen: Set<Symbol> = []
    private let seriesIndex: [Symbol: Int]
    /// Each series' instrument limits as risk reads them.
    private let limits: [InstrumentLimits]
    private var sequence: UInt64 = 0
    private var trades: [(plan: TradePlan, state: TradeState)] = []
    private var fillsSeen = 0
    public private(set) var decisions = DecisionCounts()

    /// Decided intent ids risk remembers. The tape gives each intent once, so no duplicate ever
    /// comes; the memory is kept as the service keeps it, but small enough to stay in cache (the
    /// service's 100 000 made every decision wait on memory for the lookup and the insert).
    static let decidedIDsKept = 10_000

    /// `strategies[i]` trades `market.series[i]`.
    public init(market: BacktestMarket, strategies: [MACDRSIStrategy], risk: RiskSettings, policy: ExecutionPolicy, parallelism: Int) throws {
        guard strategies.count == market.series.count else {
            throw BacktestConfigurationError(field: "strategy", reason: "\(strategies.count) strategies for \(market.series.count) symbols")
        }
        engine = RiskEngine(settings: risk, explains: false)
        tracker = PortfolioTracker(for: risk, idsKept: Self.decidedIDsKept)
        seriesIndex = Dictionary(uniqueKeysWithValues: market.series.enumerated().map { ($0.element.symbol, $0.offset) })
        limits = market.series.map { Self.limits($0.instrument) }
        self.policy = policy
        tape = try SignalTape(market: market, strategies: strategies, parallelism: parallelism)
        undecided = [[Intent]](repeating: [], count: strategies.count)
        nextIntentTime = [Int64](repeating: .max, count: strategies.count)
    }

    public mutating func onClose(
        at time: Timestamp, closing: [(series: Int, bar: Int)], market: BacktestMarket, trading: Bool, venue: inout BacktestVenue
    ) throws {
        try recordClosingFills(venue)
        tracker.apply(equity: try RoundTripTally.money(venue.equity), at: time)
        try manageTrades(at: time, &venue)
        try takeTape(through: tape.week(ofBarOpeningAt: time.milliseconds - market.timeframe.milliseconds))
        for (index, bar) in closing where nextIntentTime[index] <= time.milliseconds {
            while let last = undecided[index].indices.last, undecided[index][last].createdAt <= time {
                let intent = undecided[index].removeLast()
                if trading { try decide(intent, series: index, bar: bar, market: market, at: time, &venue) }
                decided.append(intent)
            }
            noteNextIntentTime(of: index)
        }
    }

    private mutating func noteNextIntentTime(of index: Int) {
        nextIntentTime[index] = undecided[index].indices.last.map { undecided[index][$0].createdAt.milliseconds } ?? .max
    }

    /// Takes the tape's weeks through `week`, giving back the intents decided since the last.
    private mutating func takeTape(through week: Int) throws {
        let last = min(week, tape.weeks - 1)
        guard weeksTaken <= last else { return }
        tape.giveBack(decided)
        decided.removeAll()
        while weeksTaken <= last {
            let intents = try tape.take(week: weeksTaken)
            weeksTaken += 1
            for index in undecided.indices {
                // Usually every intent taken was decided: the week's array then replaces them as it is.
                if undecided[index].isEmpty {
                    undecided[index] = intents[index]
                } else {
                    undecided[index] = intents[index] + undecided[index]
                }
                noteNextIntentTime(of: index)
            }
        }
    }

    // MARK: Risk

    /// `intent` of `market.series[index]`, decided at the close of its `bar`.
    private mutating func decide(
        _ intent: Intent, series index: Int, bar: Int, market: BacktestMarket, at time: Timestamp, _ venue: inout BacktestVenue
    ) throws {
        decisions.intents += 1
        syncPositions(venue)
        let symbol = intent.symbol
        tracker.apply(mark: market.series[index].price(market.series[index].closes[bar]), at: time, symbol: symbol)
        guard let context = tracker.context(limits: limits[index], now: time) else { return }
        let assessment: RiskAssessment
        if let screened = engine.screen(intent, context: context) {
            assessment = screened
        } else {
            feedCandles(market.series[index], through: bar)
            for open in venue.openSymbols where open != symbol {
                if let other = seriesIndex[open] {
                    feedCandles(market.series[other], through: market.series[other].lastIndex(closingBy: time))
                }
            }
            assessment = engine.assess(intent, context: tracker.context(limits: limits[index], now: time)!)
        }
        tracker.noteDecided(intent.id)
        if assessment.trippedBreaker != nil { tracker.tripBreaker() }
        switch assessment.decision {
        case .rejected(let reason, _):
            decisions.rejected[reason.rawValue, default: 0] += 1
        case .approved(let approval):
            decisions.approved += 1
            let order = try approval.approvedOrder()
            if order.kind == .entry {
                tracker.assumeOpened(approval)
                reportedOpen.insert(order.symbol)
                try enter(order, series: market.series[index], at: time, &venue)
            } else {
                try exit(order, series: market.series[index], at: time, &venue)
            }
        }
    }

    /// Execution's position reports: the venue's open positions and those risk still holds
    /// open, for symbols with nothing on its way (an entry still travelling stays assumed open,
    /// as risk assumes it until execution reports).
    private mutating func syncPositions(_ venue: BacktestVenue) {
        sequence += 1
        for symbol in reportedOpen.union(venue.openSymbols).sorted() where !venue.hasPending(symbol) {
            guard let position = try? venue.positionReport(symbol) else { continue }
            tracker.apply(position, sequence: sequence)
            if position.isFlat { reportedOpen.remove(symbol) } else { reportedOpen.insert(symbol) }
        }
    }

    private mutating func feedCandles(_ series: BarSeries, through bar: Int) {
        guard bar >= 0 else { return }
        // Enough bars for the returns kept and for the ATR fraction's Wilder average to forget
        // where it started ((13/14)^200 < 10^-6).
        let from = max((fedThrough[series.symbol] ?? -1) + 1, bar - max(tracker.returnsKept, 200))
        guard from <= bar else { return }
        tracker.applyCandles(symbol: series.symbol, count: bar - from + 1) { offset in
            let index = from + offset
            return (Timestamp(milliseconds: series.openTimes[index]), series.price(series.highs[index]),
                    series.price(series.lows[index]), series.price(series.closes[index]))
        }
        fedThrough[series.symbol] = bar
    }

    /// Closing fills as the risk service hears of them from execution: each fill that realised
    /// PnL, net of its fee, the fills of one order making one closed trade (a venue stop, target
    /// or liquidation closes in one fill).
    private mutating func recordClosingFills(_ venue: BacktestVenue) throws {
        while fillsSeen < venue.fills.count {
            let fill = venue.fills[fillsSeen]
            let order = if case .order(let id) = fill.cause { id } else { "\(fill.cause) \(fillsSeen)" }
            fillsSeen += 1
            guard fill.realisedPnl != 0 else { continue }
            tracker.record(
                closingFill: ClosedTrade(
                    symbol: fill.symbol, pnl: try RoundTripTally.money(fill.realisedPnl - fill.fee), closedAt: fill.time,
                    stoppedOut: fill.cause == .stopLoss),
                order: order)
        }
    }

    static func limits(_ instrument: SimulatedInstrument) -> InstrumentLimits {
        func quantity(_ units: Int64) -> Quantity { Quantity(try! FixedPoint(units: units, scale: instrument.qtyScale)) }
        return InstrumentLimits(
            qtyStep: quantity(instrument.qtyStepUnits), minOrderQty: quantity(instrument.minOrderQtyUnits),
            minNotional: Money(FixedPoint(integer: instrument.minNotional)), maxLeverage: FixedPoint(integer: instrument.maxLeverage),
            maxOrderQty: quantity(instrument.maxOrderQtyUnits))
    }

    // MARK: Execution

    private mutating func enter(_ order: ApprovedOrder, series: BarSeries, at time: Timestamp, _ venue: inout BacktestVenue) throws {
        let instrument = series.instrument
        let plan = try TradePlan(order, policy: policy, priceTick: series.price(1), quantityStep: Self.limits(instrument).qtyStep)
        let kind: VenueOrderRequest.Kind = switch plan.entry {
        case .market: .market
        case .limit(let price, let postOnly, _, _): .limit(try series.ticks(price), postOnly: postOnly)
        }
        // A target closing the whole position rides on it; a ladder is placed by the trade once filled.
        let target = order.hasTakeProfitLadder ? nil : order.takeProfits.first
        try venue.submit(.place(VenueOrderRequest(
            clientID: plan.entryID, symbol: order.symbol, side: order.side, qty: try series.units(order.quantity), kind: kind,
            reduceOnly: false, leverageHundredths: try Self.hundredths(order.leverage), stopLoss: try series.ticks(plan.stopLoss),
            takeProfit: try target.map(series.ticks))), at: time)
        trades.append((plan, TradeState(placedAt: time)))
    }

    private mutating func exit(_ order: ApprovedOrder, series: BarSeries, at time: Timestamp, _ venue: inout BacktestVenue) throws {
        for index in trades.indices where trades[index].plan.symbol == order.symbol {
            TradeManager.beginClosing(&trades[index].state, reason: "exit approved (intent \(order.intentID))")
        }
        try manageTrades(at: time, &venue)
        try venue.submit(.place(VenueOrderRequest(
            clientID: try StableID.clientOrderID(parts: [order.intentID]), symbol: order.symbol, side: order.side.opposite,
            qty: try series.units(order.quantity), kind: .market, reduceOnly: true)), at: time)
    }

    /// Every trade looked at once, its actions sent; closed trades are let go.
    private mutating func manageTrades(at time: Timestamp, _ venue: inout BacktestVenue) throws {
        for index in trades.indices {
            let plan = trades[index].plan
            let facts = try venue.tradeFacts(plan, at: time)
            for action in try TradeManager.evaluate(plan, &trades[index].state, facts) {
                try venue.submit(try Self.venueAction(action, plan: plan, venue: venue), at: time)
            }
        }
        trades.removeAll { $0.state.phase == .closed }
    }

    static func venueAction(_ action: TradeAction, plan: TradePlan, venue: BacktestVenue) throws -> VenueAction {
        let instrument = venue.instrument(plan.symbol)!
        switch action {
        case .place(let order):
            let kind: VenueOrderRequest.Kind = switch order.kind {
            case .market: .market
            case .limit(let price, let postOnly): .limit(try instrument.ticks(price), postOnly: postOnly)
            }
            return .place(VenueOrderRequest(
                clientID: order.clientOrderID, symbol: plan.symbol, side: order.side, qty: try instrument.units(order.quantity),
                kind: kind, reduceOnly: order.reduceOnly))
        case .cancel(let id, _): return .cancel(plan.symbol, clientID: id)
        case .setStopLoss(let price, _): return .setStopLoss(plan.symbol, try instrument.ticks(price))
        case .setTrailingStop(let distance): return .setTrailingStop(plan.symbol, distance: try instrument.ticks(distance))
        }
    }

    static func hundredths(_ leverage: FixedPoint) throws -> Int64 {
        try leverage.multiplied(by: FixedPoint(integer: 100), scale: 0, rounding: .down).units
    }
}

/// What happened to the intents of a run.
public struct DecisionCounts: Sendable, Hashable {
    public var intents = 0
    public var approved = 0
    /// Rejections by risk's reason code.
    public var rejected: [String: Int] = [:]

    public init(intents: Int = 0, approved: Int = 0, rejected: [String: Int] = [:]) {
        self.intents = intents
        self.approved = approved
        self.rejected = rejected
    }
}
