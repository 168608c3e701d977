import Config
import Core

/// Everything risk decides against, kept current from execution's position, equity and fill
/// reports, the market's candles and marks, and the operator: the positions, the equity with
/// its peak and the UTC day's opening value, recent closed trades, the pause and the breaker.
/// Snapshots may arrive late or twice: an older sequence (positions) or an older time (equity)
/// than the one held is ignored. Pure: the service persists what must survive a restart.
public struct PortfolioTracker: Sendable {
    /// The latest snapshot's sequence per symbol, flat ones included (older ones are ignored).
    private var sequences: [Symbol: UInt64] = [:]
    /// The positions that are not flat: what a decision's portfolio holds, kept as snapshots
    /// arrive rather than filtered from every symbol's for each decision.
    private var openPositions: [Symbol: Position] = [:]
    private var equity: (value: Money, time: Timestamp)?
    /// The UTC day (days since the epoch) `account.dayStartEquity` belongs to.
    private var day: Int64?
    public private(set) var account = AccountState()
    public private(set) var market: [Symbol: MarketState] = [:]
    /// Returns kept per symbol (the correlation window).
    public let returnsKept: Int
    /// Closed trades kept (the performance look-back).
    public let tradesKept: Int
    /// Decided intent ids kept in memory: at least the latest `idsKept`, at most twice as many
    /// (older ones are answered from the decision log).
    public let idsKept: Int
    /// The ids in `account.decidedIntentIDs`, oldest first.
    private var idOrder: [IntentIDSet.Key] = []
    /// The venue order of each symbol's latest closing fill.
    private var lastClosingOrder: [Symbol: String] = [:]

    /// What risk deciding under `settings` keeps: the correlation window's returns and the
    /// performance look-back's trades (at least 50), and `idsKept` decided intent ids.
    public init(for settings: RiskSettings, idsKept: Int = 100_000) {
        self.init(returnsKept: settings.exposure.correlationWindow, tradesKept: max(settings.sizing.lookbackTrades, 50), idsKept: idsKept)
    }

    public init(returnsKept: Int = 200, tradesKept: Int = 200, idsKept: Int = 100_000) {
        self.returnsKept = max(returnsKept, 3)
        self.tradesKept = max(tradesKept, 1)
        self.idsKept = max(idsKept, 1)
    }

    // MARK: Execution's reports

    /// Applies a position snapshot; returns false when it was older than the one held.
    @discardableResult
    public mutating func apply(_ position: Position, sequence: UInt64) -> Bool {
        if let held = sequences[position.symbol], held >= sequence { return false }
        sequences[position.symbol] = sequence
        openPositions[position.symbol] = position.isFlat ? nil : position
        return true
    }

    /// Counts an approved entry as open until execution's next snapshot of the symbol (which
    /// replaces it, whatever it says), so a second entry right behind it is refused.
    public mutating func assumeOpened(_ approval: RiskApproval) {
        let intent = approval.intent
        guard let provisional = try? Position(
            symbol: intent.symbol, side: intent.side, size: approval.quantity, averageEntryPrice: intent.entryPrice,
            realisedPnL: .zero, leverage: approval.leverage)
        else { return }
        if sequences[intent.symbol] == nil { sequences[intent.symbol] = 0 }
        openPositions[intent.symbol] = provisional.isFlat ? nil : provisional
    }

    /// Applies an equity snapshot: the peak rises with it, and the first snapshot of a UTC day
    /// is that day's opening equity. Returns false when older than the one held.
    @discardableResult
    public mutating func apply(equity value: Money, at time: Timestamp) -> Bool {
        if let held = equity, held.time >= time { return false }
        equity = (value, time)
        if account.equityPeak.map({ value > $0 }) ?? true { account.equityPeak = value }
        let today = Self.utcDay(time)
        if day.map({ today > $0 }) ?? true {
            day = today
            account.dayStartEquity = value
        }
        return true
    }

    /// Restores the day's opening equity and the peak read back at start-up.
    public mutating func restore(dayStart: Money?, dayOf time: Timestamp, peak: Money?) {
        if let dayStart {
            day = Self.utcDay(time)
            account.dayStartEquity = dayStart
        }
        if let peak, account.equityPeak.map({ peak > $0 }) ?? true { account.equityPeak = peak }
    }

    public mutating func record(_ trade: ClosedTrade) {
        account.closedTrades.append(trade)
        if account.closedTrades.count > tradesKept { account.closedTrades.removeFirst(account.closedTrades.count - tradesKept) }
    }

    /// Records a fill that realised PnL (net of its fee). The fills of one closing order (a stop
    /// walking the book fills several times) add up to one closed trade, so a stop-out counts
    /// once towards loss streaks and performance, as a backtest counts it.
    public mutating func record(closingFill trade: ClosedTrade, order: String) {
        defer { lastClosingOrder[trade.symbol] = order }
        guard lastClosingOrder[trade.symbol] == order,
              let index = account.closedTrades.lastIndex(where: { $0.symbol == trade.symbol }),
              let pnl = try? account.closedTrades[index].pnl + trade.pnl
        else {
            record(trade)
            return
        }
        let held = account.closedTrades[index]
        account.closedTrades[index] = ClosedTrade(
            symbol: trade.symbol, pnl: pnl, closedAt: max(held.closedAt, trade.closedAt), stoppedOut: held.stoppedOut || trade.stoppedOut)
    }

    /// Remembers that `intentID` was decided, so that risk refuses it again as a duplicate.
    public mutating func noteDecided(_ intentID: String) {
        let key = IntentIDSet.Key(intentID)
        guard account.decidedIntentIDs.insert(key) else { return }
        idOrder.append(key)
        // Forgets in bulk: rebuilding the set from the newest `idsKept` once every `idsKept`
        // decisions costs far less than a removal with each one (in a large set, a probe and a
        // backward shift that rehashes the entries it moves). The new set has room
        // for twice `idsKept`, so it never grows before the next rebuild.
        if idOrder.count >= 2 * idsKept {
            idOrder.removeFirst(idOrder.count - idsKept)
            var kept = IntentIDSet(minimumCapacity: 2 * idsKept)
            for key in idOrder { kept.insert(key) }
            account.decidedIntentIDs = kept
        }
    }

    // MARK: The operator and the breaker

    public mutating func setPaused(_ paused: Bool) { account.paused = paused }

    public mutating func tripBreaker() { account.breakerTripped = true }

    /// Re-arms the breaker; the peak restarts from the current equity (or it would trip again).
    public mutating func resetBreaker() {
        account.breakerTripped = false
        account.equityPeak = equity?.value
    }

    // MARK: The market

    public mutating func apply(mark: Price, at time: Timestamp, symbol: Symbol) {
        var state = market[symbol] ?? MarketState()
        if let held = state.markTime, held > time { return }
        state.mark = mark
        state.markTime = time
        market[symbol] = state
    }

    /// Applies a closed candle of `symbol` (`MarketState.applyCandle`), in place: one lookup,
    /// and the returns are not copied.
    public mutating func applyCandle(symbol: Symbol, openTime: Timestamp, high: Price, low: Price, close: Price) {
        market[symbol, default: MarketState()].applyCandle(openTime: openTime, high: high, low: low, close: close, returnsKept: returnsKept)
    }

    /// `applyCandle` for `count` candles of `symbol`, oldest first, `candle(i)` giving the i-th:
    /// one lookup for all of them (a backtest feeds every bar).
    public mutating func applyCandles(
        symbol: Symbol, count: Int, _ candle: (Int) -> (openTime: Timestamp, high: Price, low: Price, close: Price)
    ) {
        let kept = returnsKept
        func feed(_ state: inout MarketState) {
            for index in 0..<count {
                let bar = candle(index)
                state.applyCandle(openTime: bar.openTime, high: bar.high, low: bar.low, close: bar.close, returnsKept: kept)
            }
        }
        feed(&market[symbol, default: MarketState()])
    }

    // MARK: Deciding

    public var currentEquity: Money? { equity?.value }

    /// The portfolio, or nil before any equity is known (risk cannot size without it).
    public var portfolio: Portfolio? {
        guard let equity else { return nil }
        return Portfolio(equity: equity.value, open: openPositions)
    }

    /// What the engine sees for one decision, or nil before any equity is known.
    public func context(limits: InstrumentLimits?, now: Timestamp) -> RiskContext? {
        guard let portfolio else { return nil }
        return RiskContext(portfolio: portfolio, limits: limits, market: market, account: account, now: now)
    }

    static func utcDay(_ time: Timestamp) -> Int64 {
        let ms = time.milliseconds
        return ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
    }
}
