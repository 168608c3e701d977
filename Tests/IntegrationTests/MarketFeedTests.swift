import Bus
import Core
import Exchange
import ExchangeSimulator
import Foundation
import Logging
import MarketData
import Runtime
import Schemas
import Store
import Synchronization
import Testing

/// Marketdata's feed against the simulator (a minute a second), the real broker and PostgreSQL:
/// the candle stream has no holes and no repeats across a dropped WebSocket and a restart.
@Suite("MarketFeedTests", .serialized)
struct MarketFeedTests {
    static let symbol = try! Symbol("BTCUSDT")
    static let logger = Logger(label: "keel.test.marketfeed")

    /// A feed on `simulator`, running its stream until the returned task is cancelled.
    static func runFeed(
        _ simulator: BybitSimulator, port: Int, pool: PostgresPool, producer: KafkaProducer
    ) async throws -> Task<Void, Never> {
        let client = BybitRESTClient(configuration: .init(baseURL: "http://127.0.0.1:\(port)"))
        _ = try await client.synchronizeTime()
        let feed = MarketFeed(
            settings: .init(symbols: [symbol], timeframes: [.m1], historyDays: 1), store: CandleStore(pool: pool), source: client,
            watermarks: CandleWatermarks(pool: pool), producer: producer, streamProducer: producer, venue: .simulator,
            venueNow: { client.serverNow() }, logger: logger)
        try await feed.start()
        let stream = BybitPublicStream(
            configuration: .init(url: "ws://127.0.0.1:\(port)/v5/public/linear", backoff: Backoff(initial: .milliseconds(100), maximum: .milliseconds(500))),
            logger: logger)
        return Task { await feed.follow(stream) }
    }

    @Test func closedCandlesArePublishedInOrderOnceEachAcrossADropAndARestart() async throws {
        try await withScratchDatabase("marketfeed") { config in
            let pool = PostgresPool(config: config)
            defer { Task { await pool.close() } }
            try await Migrator().migrate(pool)
            let kafka = try TestEnvironment.kafka()
            // The topics exist before the consumer subscribes: one created later by the first
            // send would reach it only at its next metadata refresh, minutes later.
            _ = try await TopicProvisioning.createAll(config: kafka)
            let producer = try KafkaProducer(config: kafka, logger: Self.logger)
            defer { producer.close() }
            // A market day of its own (the topic is shared with earlier runs on the broker).
            let day = Timestamp(milliseconds: 1_735_689_600_000 + Int64.random(in: 0..<3000) * 86_400_000)
            let simulator = BybitSimulator(
                configuration: .init(historyMinutes: 30), clock: try SimulatorClock(speed: 60, start: day.adding(milliseconds: 3_600_000)))
            let port = try await simulator.start()
            defer { Task { await simulator.stop() } }

            // Every BTCUSDT candle on the topic; those after this run's first watermark are its own.
            let seen = PublishedCandles()
            let consumer = try KafkaConsumer(
                config: kafka, groupID: TestEnvironment.uniqueName("md"), topics: [Topic.mdCandles.rawValue],
                deadLetters: producer, logger: Self.logger)
            let consuming = Task {
                try await consumer.run { message in
                    let candle = try Keel_V1_Candle(serializedBytes: message.value)
                    guard candle.symbol == Self.symbol.rawValue, candle.venue == .simulator else { return }
                    seen.append(Timestamp(milliseconds: candle.openTimeMs), backfilled: candle.backfilled)
                }
            }
            defer { consumer.stop() }

            let first = try await Self.runFeed(simulator, port: port, pool: pool, producer: producer)
            defer { first.cancel() }
            let watermark = try #require(try await CandleWatermarks(pool: pool).watermark(symbol: Self.symbol, timeframe: .m1))
            let ours = { seen.all.filter { $0.0 > watermark && $0.0 < day.adding(milliseconds: 86_400_000) } }
            try await BusTesting.waitUntil("three live candles", timeout: .seconds(60)) { ours().count >= 3 }
            simulator.dropWebSocketConnections()
            try await BusTesting.waitUntil("three more after the drop") { ours().count >= 6 }
            first.cancel()
            await first.value
            // Candles close while marketdata is down; the restart publishes them first.
            try await Task.sleep(for: .seconds(3))
            let second = try await Self.runFeed(simulator, port: port, pool: pool, producer: producer)
            defer { second.cancel() }
            try await BusTesting.waitUntil("three more after the restart") { ours().count >= 12 }
            second.cancel()
            await second.value
            try await Task.sleep(for: .milliseconds(500))

            let published = ours()
            let times = published.map(\.0)
            #expect(times.first == watermark.adding(milliseconds: 60_000), "starts right after the history it did not publish")
            #expect(zip(times, times.dropFirst()).allSatisfy { $1.milliseconds - $0.milliseconds == 60_000 }, "no hole, no repeat: \(times)")
            #expect(published.contains { $0.1 }, "what closed while it was down came as backfilled")
            let stored = try await CandleStore(pool: pool).candles(symbol: Self.symbol, timeframe: .m1, from: times.first!, through: times.last!)
            #expect(stored.map(\.openTime) == times, "every published candle is stored")
            consuming.cancel()
        }
    }
}

/// Candles seen on the topic: open time and whether they came from a backfill.
final class PublishedCandles: Sendable {
    private let candles = Mutex<[(Timestamp, Bool)]>([])

    func append(_ openTime: Timestamp, backfilled: Bool) { candles.withLock { $0.append((openTime, backfilled)) } }
    var all: [(Timestamp, Bool)] { candles.withLock { $0 } }
}
