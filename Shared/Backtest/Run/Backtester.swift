import Core
import ExchangeSimulator

/// What trades in a backtest: it reads each bar's close and acts on the venue. Desks decide
/// only from bars that have closed; what they ask takes effect on later bars (`VenueSettings`).
public protocol BacktestDesk: Sendable {
    /// Called once per moment at which bars close, after the venue ran those bars;
    /// `closing` holds (series, bar index) for every symbol whose bar closed at `time`. While
    /// `trading` is false the bars only warm the desk up: it must not act.
    mutating func onClose(
        at time: Timestamp, closing: [(series: Int, bar: Int)], market: BacktestMarket, trading: Bool, venue: inout BacktestVenue) throws
}

/// The bars of a run, one series per symbol on the same timeframe.
public struct BacktestMarket: Sendable {
    public let series: [BarSeries]
    public let timeframe: Timeframe

    /// Throws `BacktestConfigurationError` for no series, mixed timeframes or a symbol twice.
    public init(_ series: [BarSeries]) throws {
        guard let first = series.first else { throw BacktestConfigurationError(field: "data", reason: "no symbols to test") }
        guard series.allSatisfy({ $0.timeframe == first.timeframe }) else {
            throw BacktestConfigurationError(field: "data", reason: "every symbol must be on the same timeframe")
        }
        guard Set(series.map(\.symbol)).count == series.count else {
            throw BacktestConfigurationError(field: "data", reason: "a symbol appears twice")
        }
        guard series.allSatisfy({ $0.count > 0 }) else { throw BacktestConfigurationError(field: "data", reason: "a symbol has no bars") }
        self.series = series
        timeframe = first.timeframe
    }

    public var barCount: Int { series.reduce(0) { $0 + $1.count } }
}

/// What a run produced.
public struct BacktestResult: Sendable {
    public let equity: [EquityPoint]
    public let trades: [BacktestTrade]
    public let fills: [VenueFill]
    public let funding: [FundingPayment]
    public let bars: Int
    /// The wallet at the end (without unrealised PnL).
    public let finalBalance: Money
    /// Set when equity reached zero and the run stopped there.
    public let ruinedAt: Timestamp?
    /// What risk made of the intents (runs through risk only).
    public var decisions: DecisionCounts?

    public func metrics() throws -> BacktestMetrics { try BacktestMetrics(equity: equity, trades: trades) }
}

/// The event loop: bars in time order across symbols (every bar opening at one moment, then the
/// next moment), each run on the venue, then the desk told of the closes. Equity is sampled at
/// every close; a run whose equity reaches zero stops there.
public struct Backtester: Sendable {
    public let market: BacktestMarket
    public let settings: VenueSettings
    public let startingEquity: Money

    public init(market: BacktestMarket, settings: VenueSettings, startingEquity: Money) {
        self.market = market
        self.settings = settings
        self.startingEquity = startingEquity
    }

    /// Runs every bar; with `tradingFrom`, bars closing before it only warm the desk up and the
    /// equity curve starts there.
    public func run<Desk: BacktestDesk>(_ desk: inout Desk, tradingFrom: Timestamp? = nil) throws -> BacktestResult {
        var venue = try BacktestVenue(settings: settings, startingBalance: startingEquity, instruments: market.series.map(\.instrument))
        let start = market.series.map { $0.openTimes[0] }.min()!
        let firstTrade = max(tradingFrom?.milliseconds ?? start, start)
        var equity = [EquityPoint(time: Timestamp(milliseconds: firstTrade), equity: startingEquity)]
        var cursors = [Int](repeating: 0, count: market.series.count)
        // Each series' next bar's open time (`Int64.max` once it has none): one flat array to
        // scan per moment rather than every series' cursor and times.
        var nextOpens = market.series.map { $0.openTimes[0] }
        // A gap-free series' next open is a timeframe on: not reading it saves the loop one of
        // its two memory streams per series (with hundreds of series, every read misses the cache).
        let gapFree = market.series.map(\.isGapFree)
        // Likewise each series' bar count, kept here rather than read from its column's header.
        let counts = market.series.map(\.count)
        var closing: [(series: Int, bar: Int)] = []
        var bars = 0
        var ruinedAt: Timestamp?
        while let moment = nextOpens.min(), moment != .max {
            closing.removeAll(keepingCapacity: true)
            for index in nextOpens.indices where nextOpens[index] == moment {
                let bar = cursors[index]
                // The venue's books are numbered as the market's series.
                if venue.isActive(book: index) {
                    try venue.run(market.series[index].venueBar(bar), book: index)
                } else {
                    // Unchecked (`bar` is below the count): the bounds check read the column's
                    // header, another cache miss per series per moment.
                    venue.noteClose(market.series[index].closes.withUnsafeBufferPointer { $0[bar] }, book: index)
                }
                closing.append((index, bar))
                cursors[index] = bar + 1
                nextOpens[index] = if bar + 1 == counts[index] {
                    .max
                } else if gapFree[index] {
                    moment + market.timeframe.milliseconds
                } else {
                    market.series[index].openTimes[bar + 1]
                }
            }
            bars += closing.count
            let closeTime = Timestamp(milliseconds: moment + market.timeframe.milliseconds)
            try desk.onClose(at: closeTime, closing: closing, market: market, trading: closeTime.milliseconds >= firstTrade, venue: &venue)
            // The curve's first point is the starting equity at `firstTrade`.
            guard closeTime.milliseconds > firstTrade else { continue }
            let value = venue.equity
            equity.append(EquityPoint(time: closeTime, equity: try RoundTripTally.money(value)))
            if value <= 0 {
                ruinedAt = closeTime
                break
            }
        }
        return BacktestResult(
            equity: equity, trades: venue.trades, fills: venue.fills, funding: venue.fundingPayments, bars: bars,
            finalBalance: try RoundTripTally.money(venue.walletBalance), ruinedAt: ruinedAt)
    }
}

extension BacktestMarket {
    /// Candles for a report's price charts: every symbol's when there are at most `limit`, else none.
    public func chartBars(limit: Int = 12) -> [Symbol: [Candle]] {
        guard series.count <= limit else { return [:] }
        return Dictionary(uniqueKeysWithValues: series.map { s in (s.symbol, (0..<s.count).map(s.candle)) })
    }
}
