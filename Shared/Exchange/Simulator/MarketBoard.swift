import Core
import Synchronization

/// One price level of a simulated book: price in ticks, size in quantity units.
public struct BookLevel: Sendable, Hashable {
    public let priceTicks: Int64
    public let sizeUnits: Int64
}

/// A snapshot of a simulated order book. `updateID` is the book's `u`: REST `/v5/market/orderbook`
/// and the WebSocket streams read the same counter, and it is 1 for the first book after start.
public struct SimulatedBook: Sendable, Hashable {
    public let symbol: Symbol
    /// Best first (highest price).
    public let bids: [BookLevel]
    /// Best first (lowest price).
    public let asks: [BookLevel]
    public let updateID: Int64
    public let seq: Int64
    public let time: Timestamp
}

/// One public trade of the simulated market.
public struct SimulatedTrade: Sendable, Hashable {
    public let id: String
    public let time: Timestamp
    public let priceTicks: Int64
    public let sizeUnits: Int64
    public let takerSide: Side
}

/// The simulated market every part of the simulator reads: prices, books, trades, bars and
/// funding per symbol, all deterministic from the seed (and the replay tape, if any) and the
/// time asked about.
///
/// The REST market routes, the WebSocket streams and the matching engine all read it, so they
/// always agree with one another. Each symbol's one-minute bars start at `genesis`, a UTC
/// midnight at least `historyMinutes` before the board's start; a replay tape's first bar is
/// placed there, so its first part is history (the kline route serves it) and the rest plays
/// forward as the clock runs.
public final class MarketBoard: Sendable {
    /// How often the book changes: `updateID` counts these steps since the board started.
    public static let bookStep: Int64 = 100

    public let instruments: [SimulatedInstrument]
    let bySymbol: [Symbol: SimulatedInstrument]
    let seed: UInt64
    /// The time of the first book (`updateID` 1).
    let started: Timestamp
    /// The time of every series' first minute.
    let genesis: Timestamp
    private let series: Mutex<[Symbol: MinuteSeries]>

    init(
        instruments: [SimulatedInstrument], seed: UInt64, historyMinutes: Int64, now: Timestamp,
        replay: ReplayTape? = nil
    ) {
        self.instruments = instruments.sorted { $0.symbol < $1.symbol }
        var bySymbol: [Symbol: SimulatedInstrument] = [:]
        for instrument in instruments { bySymbol[instrument.symbol] = instrument }
        self.bySymbol = bySymbol
        self.seed = seed
        self.started = now
        let genesis = Timeframe.d1.bucketStart(of: now.adding(milliseconds: -historyMinutes * 60_000))
        self.genesis = genesis
        var series: [Symbol: MinuteSeries] = [:]
        for instrument in instruments {
            let tape = replay?.symbol == instrument.symbol ? replay : nil
            var walk = MinuteSeries(instrument: instrument, genesis: genesis, seed: seed, tape: tape)
            walk.extend(through: now)
            series[instrument.symbol] = walk
        }
        self.series = Mutex(series)
    }

    public func instrument(_ symbol: Symbol) -> SimulatedInstrument? { bySymbol[symbol] }

    /// Runs `body` on `symbol`'s one-minute bars extended through `time` (nil for an unknown
    /// symbol). The bars are read in place, not copied.
    func withSeries<T>(_ symbol: Symbol, through time: Timestamp, _ body: (MinuteSeries) -> T) -> T? {
        series.withLock { all -> T? in
            all[symbol]?.extend(through: time)
            guard let walk = all[symbol] else { return nil }
            return body(walk)
        }
    }

    /// The last traded price at `time`, in ticks: on the intra-minute path, so it moves within
    /// the minute and ends the minute on its close.
    public func lastPriceTicks(_ symbol: Symbol, at time: Timestamp) -> Int64 {
        withSeries(symbol, through: time) { $0.price(at: time) } ?? bySymbol[symbol]?.startTicks ?? 0
    }

    /// The book at `time`, `depth` levels a side, around the last price.
    public func book(_ symbol: Symbol, at time: Timestamp, depth: Int) -> SimulatedBook {
        let step = max(0, (time.milliseconds - started.milliseconds) / Self.bookStep)
        let updateID = step + 1
        var bids: [BookLevel] = []
        var asks: [BookLevel] = []
        if let instrument = bySymbol[symbol] {
            let generator = SplitMix64(seed: seed, symbol, 3, step)
            (bids, asks) = SyntheticBook.sides(
                instrument: instrument, lastTicks: lastPriceTicks(symbol, at: time), depth: depth, generator: generator)
        }
        return SimulatedBook(
            symbol: symbol, bids: bids, asks: asks, updateID: updateID, seq: updateID * 10 + 1_000_000, time: time)
    }

    /// Public trades with `after < time <= through`, oldest first, on the price path.
    public func trades(_ symbol: Symbol, after: Timestamp, through: Timestamp) -> [SimulatedTrade] {
        guard through > after else { return [] }
        return withSeries(symbol, through: through) { PathTrades.trades(in: $0, seed: seed, after: after, through: through) } ?? []
    }

    /// The funding rate of the 8-hour period containing `time`.
    public func fundingRate(_ symbol: Symbol, at time: Timestamp) -> FixedPoint {
        FundingSchedule.rate(seed: seed, symbol: symbol, at: time)
    }
}
