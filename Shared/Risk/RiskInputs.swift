import Config
import Core

/// What the risk engine knows about an instrument's order rules.
public struct InstrumentLimits: Sendable, Hashable, Codable {
    public let qtyStep: Quantity
    public let minOrderQty: Quantity
    public let minNotional: Money
    public let maxLeverage: FixedPoint
    /// The largest (market) order the venue takes; nil when it sets none.
    public let maxOrderQty: Quantity?

    public init(qtyStep: Quantity, minOrderQty: Quantity, minNotional: Money, maxLeverage: FixedPoint, maxOrderQty: Quantity? = nil) {
        self.qtyStep = qtyStep
        self.minOrderQty = minOrderQty
        self.minNotional = minNotional
        self.maxLeverage = maxLeverage
        self.maxOrderQty = maxOrderQty
    }
}

/// The account as the risk engine sees it when deciding.
public struct Portfolio: Sendable, Hashable {
    public let equity: Money
    /// Open (non-flat) positions by symbol.
    public let positions: [Symbol: Position]

    public init(equity: Money, positions: [Position]) {
        self.equity = equity
        var open: [Symbol: Position] = [:]
        for position in positions where !position.isFlat { open[position.symbol] = position }
        self.positions = open
    }

    public init(equity: Money, open: [Symbol: Position]) {
        self.equity = equity
        self.positions = open
    }
}

/// What risk knows of one symbol's market: the mark price (for the price sanity check and
/// position notionals), its volatility (for sizing and leverage) and its recent returns (for
/// correlation). Volatility and returns are statistics, so `Double`; money stays exact.
public struct MarketState: Sendable, Hashable, Codable {
    public var mark: Price?
    public var markTime: Timestamp?
    /// Average true range over price (0.012 = 1.2 %), nil when unknown.
    public var atrFraction: Double?
    /// Close-to-close returns of consecutive candles, oldest first: the last `returnsKept` (or
    /// all, while fewer), and fewer than twice as many (readers take the suffix they need).
    public var returns: [Double]
    /// Open time of the candle the last return ends at.
    public var returnsEnd: Timestamp?
    /// That candle's close, where the next return starts.
    public var lastClose: Price?

    public init(mark: Price? = nil, markTime: Timestamp? = nil, atrFraction: Double? = nil, returns: [Double] = [], returnsEnd: Timestamp? = nil) {
        self.mark = mark
        self.markTime = markTime
        self.atrFraction = atrFraction
        self.returns = returns
        self.returnsEnd = returnsEnd
    }

    /// A closed candle: its return from the previous close and the ATR fraction (Wilder's
    /// average of true range over close, 14 bars), keeping at least the last `returnsKept` returns.
    /// Out-of-order or repeated candles are ignored.
    mutating func applyCandle(openTime: Timestamp, high: Price, low: Price, close: Price, returnsKept: Int) {
        if let end = returnsEnd, openTime <= end { return }
        let closeValue = close.value.doubleValue
        if let previous = lastClose.map({ $0.value.doubleValue }), previous > 0, closeValue > 0 {
            returns.append(closeValue / previous - 1)
            // Trimmed in one move at twice the kept count: a shift per candle costs O(kept).
            if returns.count >= 2 * returnsKept { returns.removeFirst(returns.count - returnsKept) }
            let trueHigh = max(high.value.doubleValue, previous)
            let trueLow = min(low.value.doubleValue, previous)
            let range = (trueHigh - trueLow) / closeValue
            atrFraction = atrFraction.map { ($0 * 13 + range) / 14 } ?? range
        }
        returnsEnd = openTime
        lastClose = close
    }
}

/// A closed trade, for loss streaks, stop-out cooldowns and performance sizing.
public struct ClosedTrade: Sendable, Hashable, Codable {
    public let symbol: Symbol
    /// Realised PnL net of fees; negative = a loss.
    public let pnl: Money
    public let closedAt: Timestamp
    /// Whether the position was closed by its stop-loss.
    public let stoppedOut: Bool

    public init(symbol: Symbol, pnl: Money, closedAt: Timestamp, stoppedOut: Bool) {
        self.symbol = symbol
        self.pnl = pnl
        self.closedAt = closedAt
        self.stoppedOut = stoppedOut
    }
}

/// The account-wide state the loss limits and the operator act on.
public struct AccountState: Sendable, Hashable, Codable {
    /// Operator pause: no new entries.
    public var paused: Bool
    /// The drawdown breaker, latched until an operator resets it.
    public var breakerTripped: Bool
    /// The highest equity seen since the last breaker reset.
    public var equityPeak: Money?
    /// Equity at the start of the current UTC day (the first snapshot of the day).
    public var dayStartEquity: Money?
    /// Recent closed trades, oldest first.
    public var closedTrades: [ClosedTrade]
    /// Intents already decided (the service also answers redeliveries from its log).
    public var decidedIntentIDs: IntentIDSet

    public init(
        paused: Bool = false, breakerTripped: Bool = false, equityPeak: Money? = nil, dayStartEquity: Money? = nil,
        closedTrades: [ClosedTrade] = [], decidedIntentIDs: IntentIDSet = []
    ) {
        self.paused = paused
        self.breakerTripped = breakerTripped
        self.equityPeak = equityPeak
        self.dayStartEquity = dayStartEquity
        self.closedTrades = closedTrades
        self.decidedIntentIDs = decidedIntentIDs
    }
}

/// Everything one decision sees. Nothing else: the engine reads no clock and does no I/O.
public struct RiskContext: Sendable {
    public var portfolio: Portfolio
    /// The instrument's limits; nil when the venue does not list the symbol.
    public var limits: InstrumentLimits?
    public var market: [Symbol: MarketState]
    public var account: AccountState
    public var now: Timestamp

    public init(portfolio: Portfolio, limits: InstrumentLimits?, market: [Symbol: MarketState] = [:], account: AccountState = AccountState(), now: Timestamp) {
        self.portfolio = portfolio
        self.limits = limits
        self.market = market
        self.account = account
        self.now = now
    }
}
