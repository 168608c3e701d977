import Bus
import Core
import Exchange
import Logging
import Metrics
import Schemas

/// Marketdata's work, minus the stream that feeds it: trades, tops of book and tickers are
/// published as they come; closed candles are stored, then published in open-time order, each
/// once. A candle beyond the next one expected, a reconnect, or a candle overdue triggers gap
/// repair: the missing candles are fetched over REST (within the client's rate budget),
/// stored and published (`backfilled`) before anything newer. A watermark in PostgreSQL
/// remembers the last one published, so a restart continues without holes or repeats.
public actor MarketFeed {
    public struct Settings: Sendable {
        public var symbols: [Symbol]
        public var timeframes: [Timeframe]
        public var historyDays: Int
        /// How long (real time) the stream may stay silent about a candle that has closed
        /// before it is fetched over REST. Real time, as the venue's clock may run fast.
        public var overdueGrace: Duration
        /// Allowed difference between a candle's volume and its trades', as a fraction.
        public var volumeTolerance: FixedPoint

        /// 0.1 %.
        public static let defaultVolumeTolerance = try! FixedPoint(units: 1, scale: 3)

        public init(
            symbols: [Symbol], timeframes: [Timeframe], historyDays: Int, overdueGrace: Duration = .seconds(10),
            volumeTolerance: FixedPoint = Settings.defaultVolumeTolerance
        ) {
            self.symbols = symbols
            self.timeframes = timeframes
            self.historyDays = historyDays
            self.overdueGrace = overdueGrace
            self.volumeTolerance = volumeTolerance
        }
    }

    private struct Series: Hashable {
        let symbol: Symbol
        let timeframe: Timeframe
    }

    private let settings: Settings
    private let store: CandleStore
    private let backfiller: Backfiller
    private let watermarks: CandleWatermarks
    /// Candles: each one awaited before the watermark moves.
    private let producer: KafkaProducer
    /// Trades, tops of book and tickers: enqueued, batched by the producer's linger.
    private let streamProducer: KafkaProducer
    private let venue: Keel_V1_Venue
    /// The venue's clock: the simulator may run faster than real time.
    private let venueNow: @Sendable () -> Timestamp
    private let logger: Logger
    private var published: [Series: Timestamp] = [:]
    /// When the last closed candle of each series was published.
    private var lastPublished: [Series: ContinuousClock.Instant] = [:]
    /// Trades per bar (by open time) while the stream has been up since before the bar began.
    private var tallies: [Series: [Timestamp: TradeTally]] = [:]
    private var connectedSince: Timestamp?
    private var streamUp = false
    /// The last closed candle of each series, checked against its trades once the next closes.
    private var awaitingCheck: [Series: Candle] = [:]
    private let mismatches = Counter(label: "keel_md_candle_trade_mismatches_total")
    private let repairs = Counter(label: "keel_md_gap_repairs_total")

    public init(
        settings: Settings, store: CandleStore, source: any KlineSource, watermarks: CandleWatermarks, producer: KafkaProducer,
        streamProducer: KafkaProducer, venue: Keel_V1_Venue, venueNow: @escaping @Sendable () -> Timestamp, logger: Logger
    ) {
        self.settings = settings
        self.store = store
        backfiller = Backfiller(store: store, source: source)
        self.watermarks = watermarks
        self.producer = producer
        self.streamProducer = streamProducer
        self.venue = venue
        self.venueNow = venueNow
        self.logger = logger
    }

    /// The topics to subscribe to on the public stream.
    public nonisolated var topics: [BybitPublicTopic] {
        settings.symbols.flatMap { symbol in
            [.trades(symbol), .orderBook(depth: 1, symbol: symbol), .ticker(symbol)] + settings.timeframes.map { .kline($0, symbol) }
        }
    }

    /// Fills the store with `historyDays` of candles (fetching only what it lacks), then
    /// publishes what follows the watermark. On the very first start there is no watermark: it
    /// is set to the newest stored candle without publishing history (consumers warm up from
    /// the store).
    public func start() async throws {
        let now = venueNow()
        for series in allSeries {
            let from = now.adding(milliseconds: -Int64(settings.historyDays) * 86_400_000)
            do {
                try await backfiller.backfill(symbol: series.symbol, timeframe: series.timeframe, from: from, now: now)
            } catch let gap as BackfillGapError {
                logger.info("the venue has no candles for part of the history", metadata: ["gap": "\(gap)"])
            }
            if let watermark = try await watermarks.watermark(symbol: series.symbol, timeframe: series.timeframe) {
                published[series] = watermark
                try await catchUp(series, through: now)
            } else if let newest = try await store.latest(symbol: series.symbol, timeframe: series.timeframe, limit: 1).first {
                try await watermarks.advance(symbol: series.symbol, timeframe: series.timeframe, to: newest.openTime)
                published[series] = newest.openTime
            }
        }
    }

    /// Handles one message of the public stream.
    public func handle(_ message: BybitPublicMessage) async throws {
        let received = venueNow()
        switch message {
        case .trades(let trades):
            for trade in trades {
                tally(trade)
                try await streamProducer.enqueue(try MarketDataMessages.trade(trade, venue: venue, receivedAt: received))
            }
        case .candle(let candle) where candle.isClosed:
            try await closed(candle, received: received)
        case .orderBook(_, let book):
            if let top = try MarketDataMessages.topOfBook(book, venue: venue, receivedAt: received) { try await streamProducer.enqueue(top) }
        case .ticker(let ticker):
            try await streamProducer.enqueue(try MarketDataMessages.ticker(ticker, venue: venue, receivedAt: received))
        case .connected(let reconnects):
            streamUp = true
            connectedSince = nil
            tallies = [:]
            awaitingCheck = [:]
            if reconnects > 0 {
                logger.info("public stream reconnected; repairing candle gaps", metadata: ["reconnects": "\(reconnects)"])
                try await repairAll()
            }
        case .disconnected(let reason):
            streamUp = false
            connectedSince = nil
            logger.warning("public stream disconnected", metadata: ["reason": "\(reason)"])
        case .decodingFailed(let error):
            logger.error("public stream frame not understood", metadata: ["error": "\(error)"])
        case .candle, .reply, .resync:
            break
        }
    }

    /// Runs `stream` (subscribed to `topics`) and handles its messages until the calling task
    /// is cancelled. Then it stops at once: what the stream still holds is dropped, and the
    /// watermark brings back its candles on the next start.
    public nonisolated func follow(_ stream: BybitPublicStream) async {
        stream.subscribe(topics)
        await withDiscardingTaskGroup { group in
            group.addTask { await stream.run() }
            for await message in stream.messages {
                if Task.isCancelled { break }
                await handleLogging(message)
            }
        }
    }

    /// `handle`, with a failure logged instead of thrown: a candle that could not be stored or
    /// published leaves the watermark behind, and the next candle or the overdue check repairs
    /// the gap.
    public func handleLogging(_ message: BybitPublicMessage) async {
        do {
            try await handle(message)
        } catch is CancellationError {
            // Shutting down.
        } catch {
            logger.error("could not handle a public stream update", metadata: ["error": "\(error)"])
        }
    }

    /// Repairs every series whose next candle is overdue (it has closed at the venue, and
    /// nothing was published for the grace): run periodically, it catches a candle the stream
    /// silently dropped.
    public func repairOverdue() async throws {
        let now = venueNow()
        for series in allSeries {
            guard let last = published[series], now > last.adding(milliseconds: 2 * series.timeframe.milliseconds) else { continue }
            if let quiet = lastPublished[series], ContinuousClock.now - quiet < settings.overdueGrace { continue }
            try await repair(series, now: now)
        }
    }

    private var allSeries: [Series] {
        settings.symbols.flatMap { symbol in settings.timeframes.map { Series(symbol: symbol, timeframe: $0) } }
    }

    private func closed(_ candle: Candle, received: Timestamp) async throws {
        let series = Series(symbol: candle.symbol, timeframe: candle.timeframe)
        guard settings.symbols.contains(candle.symbol), settings.timeframes.contains(candle.timeframe) else { return }
        crossCheck(candle, series: series)
        if let last = published[series] {
            guard candle.openTime > last else { return }  // already published
            if candle.openTime.adding(milliseconds: -candle.timeframe.milliseconds) > last {
                try await repair(series, now: candle.openTime)
            }
        }
        try await store.upsert([candle])
        try await publish(candle, series: series, backfilled: false, received: received)
    }

    private func repairAll() async throws {
        let now = venueNow()
        for series in allSeries { try await repair(series, now: now) }
    }

    /// Fetches the closed candles after the watermark up to `now` and publishes them.
    private func repair(_ series: Series, now: Timestamp) async throws {
        guard let last = published[series] else { return }
        repairs.increment()
        do {
            try await backfiller.backfill(
                symbol: series.symbol, timeframe: series.timeframe, from: last.adding(milliseconds: series.timeframe.milliseconds),
                now: now)
        } catch let gap as BackfillGapError {
            logger.warning("candles the venue did not return", metadata: ["gap": "\(gap)"])
        }
        try await catchUp(series, through: now)
    }

    /// Publishes the stored closed candles after the watermark, oldest first.
    private func catchUp(_ series: Series, through now: Timestamp) async throws {
        guard let last = published[series] else { return }
        let missing = try await store.candles(
            symbol: series.symbol, timeframe: series.timeframe, from: last.adding(milliseconds: 1), through: now)
        for candle in missing { try await publish(candle, series: series, backfilled: true, received: venueNow()) }
    }

    private func publish(_ candle: Candle, series: Series, backfilled: Bool, received: Timestamp) async throws {
        let message = try MarketDataMessages.candle(candle, venue: venue, backfilled: backfilled, receivedAt: received)
        // Sending and advancing the watermark run to the end even when the feed is stopped in
        // between (an unstructured task is not cancelled with its caller): a send cut off while
        // the broker still takes the candle would leave the watermark behind, and the restart
        // would publish the candle twice.
        let (producer, watermarks) = (producer, watermarks)
        try await Task {
            _ = try await producer.send(message)
            try await watermarks.advance(symbol: series.symbol, timeframe: series.timeframe, to: candle.openTime)
        }.value
        published[series] = candle.openTime
        lastPublished[series] = .now
    }

    private func tally(_ trade: Trade) {
        guard streamUp else { return }
        // The first trade after connecting dates what the stream has seen (in the venue's time:
        // the local estimate of it may lag a fast simulator); only later bars are whole.
        let watchedFrom = connectedSince ?? trade.time
        connectedSince = watchedFrom
        for timeframe in settings.timeframes {
            let open = timeframe.bucketStart(of: trade.time)
            guard open > watchedFrom else { continue }
            let series = Series(symbol: trade.symbol, timeframe: timeframe)
            do {
                try tallies[series, default: [:]][open, default: TradeTally()].add(trade)
            } catch {
                logger.warning("trade volume overflowed its tally", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Checks the candle before `candle` against its trades: by the time a bar closes, every
    /// trade of the one before it has arrived (within one push the venue may send the bar's
    /// close before its last trades).
    private func crossCheck(_ candle: Candle, series: Series) {
        let previous = awaitingCheck.updateValue(candle, forKey: series)
        guard let previous, previous.openTime < candle.openTime,
              let tally = tallies[series]?.removeValue(forKey: previous.openTime) else { return }
        tallies[series] = tallies[series]?.filter { $0.key >= candle.openTime }
        check(previous, against: tally)
    }

    private func check(_ candle: Candle, against tally: TradeTally) {
        do {
            let found = try tally.disagreements(with: candle, volumeTolerance: settings.volumeTolerance)
            guard !found.isEmpty else { return }
            mismatches.increment()
            logger.warning(
                "candle disagrees with the trades seen; the venue's candle stands",
                metadata: ["symbol": "\(candle.symbol)", "timeframe": "\(candle.timeframe)", "open": "\(candle.openTime)",
                           "disagreements": "\(found.joined(separator: "; "))"])
        } catch {
            logger.warning("could not cross-check a candle", metadata: ["error": "\(error)"])
        }
    }
}
