import Core
import Exchange
import ExchangeSimulator
import MarketData
import Store
import Synchronization
import Testing

/// The candle cache against the real PostgreSQL, and the backfill against the exchange simulator.
@Suite("CandleStoreTests")
struct CandleStoreTests {
    static let symbol = try! Symbol("BTCUSDT")
    /// 2026-01-05 00:00 UTC.
    static let origin = Timestamp(milliseconds: 1_767_571_200_000)

    static func minute(_ n: Int64) -> Timestamp { origin.adding(milliseconds: n * 60_000) }

    static func candle(
        _ n: Int64, close: String = "100.5", low: String = "100", high: String = "101", volume: String = "2.5",
        turnover: String? = "251.25", closed: Bool = true
    ) throws -> Candle {
        try Candle(
            symbol: symbol, timeframe: .m1, openTime: minute(n), open: Price(parsing: "100.25"),
            high: Price(parsing: high), low: Price(parsing: low), close: Price(parsing: close),
            volume: Quantity(parsing: volume), turnover: try turnover.map(Money.init(parsing:)), isClosed: closed)
    }

    /// Runs `body` with a migrated store in a scratch database.
    static func withStore(_ prefix: String, _ body: (CandleStore) async throws -> Void) async throws {
        try await withScratchDatabase(prefix) { config in
            let pool = PostgresPool(config: config)
            defer { Task { await pool.close() } }
            try await Migrator().migrate(pool)
            try await body(CandleStore(pool: pool))
        }
    }

    static func rowCount(_ store: CandleStore) async throws -> Int64 {
        try await store.pool.execute("SELECT count(*) FROM candles").single().int64(0)
    }

    @Test func upsertIsIdempotentAndReadsAreOldestFirst() async throws {
        try await Self.withStore("candles_idem") { store in
            let candles = try [3, 1, 2, 4].map { try Self.candle($0) }
            try await store.upsert(candles)
            try await store.upsert(candles)
            #expect(try await Self.rowCount(store) == 4)

            let all = try await store.candles(symbol: Self.symbol, timeframe: .m1, from: Self.minute(0), through: Self.minute(10))
            #expect(all.map(\.openTime) == (1...4).map(Self.minute))
            #expect(all == candles.sorted { $0.openTime < $1.openTime })
            let middle = try await store.candles(symbol: Self.symbol, timeframe: .m1, from: Self.minute(2), through: Self.minute(3))
            #expect(middle.map(\.openTime) == [Self.minute(2), Self.minute(3)])
            let latest = try await store.latest(symbol: Self.symbol, timeframe: .m1, limit: 2)
            #expect(latest.map(\.openTime) == [Self.minute(3), Self.minute(4)])
            #expect(try await store.candles(symbol: Self.symbol, timeframe: .m5, from: Self.minute(0), through: Self.minute(10)).isEmpty)
        }
    }

    @Test func aClosedCandleReplacesAFormingOneNeverTheReverse() async throws {
        try await Self.withStore("candles_close") { store in
            try await store.upsert([try Self.candle(1, close: "100.1", closed: false)])
            #expect(try await store.latest(symbol: Self.symbol, timeframe: .m1, limit: 5).isEmpty)

            try await store.upsert([try Self.candle(1, close: "100.2")])
            try await store.upsert([try Self.candle(1, close: "100.3", closed: false)])
            try await store.upsert([try Self.candle(1, close: "100.4")])
            let stored = try await store.latest(symbol: Self.symbol, timeframe: .m1, limit: 5)
            #expect(stored == [try Self.candle(1, close: "100.2")])
            #expect(try await Self.rowCount(store) == 1)
        }
    }

    @Test func decimalsRoundTripExactly() async throws {
        try await Self.withStore("candles_exact") { store in
            let candle = try Self.candle(
                7, close: "0.00000001", low: "0.00000001", high: "123456789.12345678", volume: "0.00000001",
                turnover: "123456789.12345678")
            let untraded = try Self.candle(8, volume: "0", turnover: nil)
            try await store.upsert([candle, untraded])
            let read = try await store.candles(symbol: Self.symbol, timeframe: .m1, from: Self.minute(7), through: Self.minute(8))
            #expect(read == [candle, untraded])
            #expect(read.first?.high.description == "123456789.12345678")
            #expect(read.first?.low.description == "0.00000001")
            #expect(read.first?.volume.description == "0.00000001")
            #expect(read.first?.turnover?.description == "123456789.12345678")
            #expect(read.last?.turnover == nil)
        }
    }

    @Test func backfillFillsAHoleThenFetchesNothing() async throws {
        try await withSimulatorClient { client in
            try await Self.withStore("candles_backfill") { store in
                let now = Timeframe.m1.bucketStart(of: .systemNow()).adding(milliseconds: -5 * 60_000)
                let from = now.adding(milliseconds: -120 * 60_000)
                let venue = try await client.klines(
                    symbol: Self.symbol, timeframe: .m1, start: from, end: now.adding(milliseconds: -60_000), limit: 1000)
                try #require(venue.count == 120)
                try await store.upsert(Array(venue.prefix(40)) + Array(venue.suffix(40)))

                let source = CountingKlineSource(client)
                let backfiller = Backfiller(store: store, source: source)
                let first = try await backfiller.backfill(symbol: Self.symbol, timeframe: .m1, from: from, now: now)
                #expect(first.requests == [KlineRequest(start: venue[40].openTime, end: venue[79].openTime, limit: 40)])
                #expect(first.stored == 40)

                let stored = try await store.candles(
                    symbol: Self.symbol, timeframe: .m1, from: from, through: now)
                #expect(stored == venue)
                #expect(try await Self.rowCount(store) == 120)

                let second = try await backfiller.backfill(symbol: Self.symbol, timeframe: .m1, from: from, now: now)
                #expect(second.requests.isEmpty)
                #expect(source.calls == 1)
            }
        }
    }

    @Test func backfillPagesThroughAnEmptyStore() async throws {
        try await withSimulatorClient { client in
            try await Self.withStore("candles_pages") { store in
                let now = Timeframe.m5.bucketStart(of: .systemNow()).adding(milliseconds: -10 * 60_000)
                let from = now.adding(milliseconds: -50 * 5 * 60_000)
                let report = try await Backfiller(store: store, source: client, pageLimit: 7)
                    .backfill(symbol: Self.symbol, timeframe: .m5, from: from, now: now)
                #expect(report.requests.count == 8)
                #expect(report.stored == 50)
                let stored = try await store.candles(symbol: Self.symbol, timeframe: .m5, from: from, through: now)
                #expect(stored.map(\.openTime) == BackfillPlanner.expectedOpenTimes(timeframe: .m5, from: from, now: now))
            }
        }
    }

    @Test func candlesOverByNowAreStoredClosedThoughTheSourceCalledThemForming() async throws {
        try await withSimulatorClient { client in
            try await Self.withStore("candles_lag") { store in
                let now = Timeframe.m1.bucketStart(of: .systemNow()).adding(milliseconds: -5 * 60_000)
                let from = now.adding(milliseconds: -10 * 60_000)
                // The stream confirmed the candle closing at `now`; the source's clock is 3 min behind.
                let source = CountingKlineSource(client, formingFrom: now.adding(milliseconds: -3 * 60_000))
                try await Backfiller(store: store, source: source).backfill(symbol: Self.symbol, timeframe: .m1, from: from, now: now)
                let stored = try await store.closedOpenTimes(symbol: Self.symbol, timeframe: .m1, from: from, through: now)
                #expect(stored.sorted() == BackfillPlanner.expectedOpenTimes(timeframe: .m1, from: from, now: now))
            }
        }
    }

    @Test func aGapTheVenueCannotFillIsReported() async throws {
        try await withSimulatorClient { client in
            try await Self.withStore("candles_gap") { store in
                let now = Timeframe.m1.bucketStart(of: .systemNow()).adding(milliseconds: -5 * 60_000)
                let from = now.adding(milliseconds: -30 * 60_000)
                let lost = from.adding(milliseconds: 10 * 60_000)
                let backfiller = Backfiller(store: store, source: CountingKlineSource(client, dropping: lost))
                do {
                    try await backfiller.backfill(symbol: Self.symbol, timeframe: .m1, from: from, now: now)
                    Issue.record("a hole was skipped silently")
                } catch let error as BackfillGapError {
                    #expect(error.missing == [lost])
                    #expect(error.description.contains(lost.description))
                }
                #expect(try await Self.rowCount(store) == 29)
            }
        }
    }
}

/// Counts kline requests on the way to the simulator, and can lose one candle as a venue might,
/// or call the candles from `formingFrom` on still forming, as a client whose estimate of the
/// venue's clock lags would.
final class CountingKlineSource: KlineSource, Sendable {
    private let client: BybitRESTClient
    private let dropping: Timestamp?
    private let formingFrom: Timestamp?
    private let counter = Mutex(0)

    init(_ client: BybitRESTClient, dropping: Timestamp? = nil, formingFrom: Timestamp? = nil) {
        self.client = client
        self.dropping = dropping
        self.formingFrom = formingFrom
    }

    var calls: Int { counter.withLock { $0 } }

    func klines(
        symbol: Symbol, timeframe: Timeframe, start: Timestamp?, end: Timestamp?, limit: Int?
    ) async throws -> [Candle] {
        counter.withLock { $0 += 1 }
        let candles = try await client.klines(symbol: symbol, timeframe: timeframe, start: start, end: end, limit: limit)
        return try candles.filter { $0.openTime != dropping }.map { candle in
            guard let formingFrom, candle.openTime >= formingFrom else { return candle }
            return try Candle(
                symbol: candle.symbol, timeframe: candle.timeframe, openTime: candle.openTime, open: candle.open, high: candle.high,
                low: candle.low, close: candle.close, volume: candle.volume, turnover: candle.turnover, isClosed: false)
        }
    }
}

/// A started simulator and a REST client talking to it, for the duration of `body`.
func withSimulatorClient(_ body: (BybitRESTClient) async throws -> Void) async throws {
    let simulator = BybitSimulator()
    let port = try await simulator.start(port: 0)
    let outcome: Result<Void, any Error>
    do {
        try await body(BybitRESTClient(configuration: .init(baseURL: "http://127.0.0.1:\(port)")))
        outcome = .success(())
    } catch {
        outcome = .failure(error)
    }
    await simulator.stop()
    try outcome.get()
}
