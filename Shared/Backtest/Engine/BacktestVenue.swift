import Core
import ExchangeSimulator

/// The backtest's exchange: one account trading linear perpetuals bar by bar.
///
/// It keeps the simulator's position arithmetic (`EnginePosition`: average entry, realised PnL,
/// Bybit's isolated liquidation and bankruptcy prices) and its fee and funding rounding
/// (`applying`, to 10^-8 USDT, half away from zero), and runs the order types execution uses
/// (market, limit, post-only, reduce-only, the position's stop-loss, take-profit and trailing
/// stop) along `IntraBarPath` inside each bar:
///
/// * Actions take effect `latencyMs` after they are asked; a market order fills at the path's
///   price at that moment, moved by `slippage` against it, paying the taker fee.
/// * A resting limit fills at its own price, as maker, once the path reaches it, at most
///   `participation` of the bar's volume per bar; a limit that would take on arrival fills as
///   taker at the path's price (no worse than its limit), or is refused if post-only.
/// * Stop-loss, take-profit and trailing stop close the whole position at the market when the
///   path reaches them: at their level, or at the path's price when it is already beyond (a
///   gap), then slippage; taker fee.
/// * Liquidation: when the path reaches the liquidation price, the symbol's orders are
///   cancelled and the position is taken over at its bankruptcy price with no fee.
/// * Funding settles at 00:00, 08:00 and 16:00 UTC on the position's value at the path's price.
/// * At one moment, the pessimistic order: liquidation, stop-loss, trailing stop, limits,
///   take-profit.
public struct BacktestVenue: Sendable {
    public let settings: VenueSettings
    /// USDT units of 10^-8.
    public internal(set) var walletBalance: Int64
    public internal(set) var fills: [VenueFill] = []
    public internal(set) var fundingPayments: [FundingPayment] = []
    public internal(set) var trades: [BacktestTrade] = []
    /// One book per instrument, in the order given; `bookNumbers` finds a symbol's.
    var books: [SymbolBook]
    let bookNumbers: [Symbol: Int]
    var orders: [String: VenueOrderState] = [:]
    /// Symbols with an open position (kept by each fill, so reading it costs nothing per symbol).
    var openSet: Set<Symbol> = []

    /// Throws `BacktestConfigurationError` for a starting balance with more than 8 decimals.
    public init(settings: VenueSettings, startingBalance: Money, instruments: [SimulatedInstrument]) throws {
        guard let units = try? startingBalance.value.rescaled(to: USDT.scale).units, units > 0 else {
            throw BacktestConfigurationError(field: "starting_equity", reason: "\(startingBalance) must be positive with at most 8 decimals")
        }
        self.settings = settings
        walletBalance = units
        guard Set(instruments.map(\.symbol)).count == instruments.count else {
            throw BacktestConfigurationError(field: "data", reason: "a symbol appears twice")
        }
        books = instruments.map(SymbolBook.init)
        bookNumbers = Dictionary(uniqueKeysWithValues: instruments.enumerated().map { ($0.element.symbol, $0.offset) })
    }

    // MARK: Asking

    /// Queues `action` to take effect at `time + latencyMs`. An order id the venue has seen is
    /// ignored (as a venue refuses a duplicate client order id).
    public mutating func submit(_ action: VenueAction, at time: Timestamp) throws {
        guard bookNumbers[action.symbol] != nil else {
            throw BacktestConfigurationError(field: "symbol", reason: "\(action.symbol) has no instrument in this backtest")
        }
        if case .place(let request) = action {
            guard orders[request.clientID] == nil else { return }
            orders[request.clientID] = VenueOrderState(request: request)
        }
        self[book: action.symbol].pending.append(PendingAction(time: time.adding(milliseconds: settings.latencyMs), action: action))
    }

    // MARK: Reading

    public func order(_ clientID: String) -> (status: OrderStatus?, filled: Int64, updatedAt: Timestamp?, rejectReason: String?)? {
        orders[clientID].map { ($0.status, $0.filled, $0.updatedAt, $0.rejectReason) }
    }

    public func position(_ symbol: Symbol) -> EnginePosition? { bookNumbers[symbol].map { books[$0].position } }

    public func instrument(_ symbol: Symbol) -> SimulatedInstrument? { bookNumbers[symbol].map { books[$0].instrument } }

    /// The book of `symbol`, which must be one of the run's.
    subscript(book symbol: Symbol) -> SymbolBook {
        get { books[bookNumbers[symbol]!] }
        _modify { yield &books[bookNumbers[symbol]!] }
    }

    /// Balance plus unrealised PnL at each symbol's last price (USDT units).
    public var equity: Int64 {
        openSet.reduce(walletBalance) { total, symbol in
            let book = self[book: symbol]
            guard let last = book.lastPrice else { return total }
            return total + book.position.unrealisedPnl(mark: last, instrument: book.instrument)
        }
    }

    /// Whether a bar of the `book`-th instrument can change anything (something is open or on its way).
    public func isActive(book: Int) -> Bool { books[book].isActive }

    /// A bar of the `book`-th instrument while it is not active: all it changes is the last
    /// price. The loop calls this instead of `run`, which would do the same after building the bar.
    public mutating func noteClose(_ close: Int64, book: Int) { books[book].lastPrice = close }

    /// Symbols with an open position, in order.
    public var openSymbols: [Symbol] { openSet.sorted() }
}

/// An action on its way to the venue.
struct PendingAction: Sendable {
    let time: Timestamp
    let action: VenueAction
}

/// Everything the venue holds for one symbol.
struct SymbolBook: Sendable {
    let instrument: SimulatedInstrument
    var position: EnginePosition
    var stopLoss: Int64?
    var takeProfit: Int64?
    var trailing: TrailingState?
    /// Client ids of orders resting on the venue, oldest first.
    var resting: [String] = []
    var pending: [PendingAction] = []
    var lastPrice: Int64?
    var tally: RoundTripTally?

    init(instrument: SimulatedInstrument) {
        self.instrument = instrument
        position = EnginePosition(leverage: 1000, createdTime: Timestamp(milliseconds: 0), updatedTime: Timestamp(milliseconds: 0))
    }

    var isActive: Bool { position.size != 0 || !resting.isEmpty || !pending.isEmpty }
}

struct TrailingState: Sendable {
    let distance: Int64
    /// The best price since the trailing stop was set.
    var extreme: Int64
}
