import Bus
import Config
import Core
import Logging
import MarketData
import Schemas
import Signals
import Store
import Strategy
import Testing

/// The signals desk against the real candle store: a strategy warmed up from PostgreSQL decides
/// exactly as one that saw every candle live.
@Suite("SignalDeskTests")
struct SignalDeskTests {
    static let symbol = try! Symbol("BTCUSDT")
    /// 2026-01-05 00:00 UTC.
    static let origin = Timestamp(milliseconds: 1_767_571_200_000)

    /// From 200: down 40, up 30, down 12, up 15 bars of 1 each; MACD/RSI go long once, on bar 90.
    static let closes: [Double] = {
        let steps = Array(repeating: -1.0, count: 40) + Array(repeating: 1.0, count: 30)
            + Array(repeating: -1.0, count: 12) + Array(repeating: 1.0, count: 15)
        return steps.reduce(into: [200.0]) { closes, step in closes.append(closes.last! + step) }
    }()

    static func candle(_ index: Int) throws -> Candle {
        func price(_ value: Double) throws -> Price { try Price(parsing: String(value)) }
        let close = closes[index]
        return try Candle(
            symbol: symbol, timeframe: .m1, openTime: origin.adding(milliseconds: Int64(index) * 60_000),
            open: price(close), high: price(close + 0.5), low: price(close - 0.5), close: price(close),
            volume: Quantity(parsing: "1"), isClosed: true)
    }

    static func withDesk(_ body: (SignalDesk, CandleStore) async throws -> Void) async throws {
        try await withScratchDatabase("signals") { config in
            let pool = PostgresPool(config: config)
            defer { Task { await pool.close() } }
            try await Migrator().migrate(pool)
            let producer = try KafkaProducer(config: try TestEnvironment.kafka(), logger: Logger(label: "test"))
            defer { producer.close() }
            let store = CandleStore(pool: pool)
            try await body(makeDesk(store: store, producer: producer), store)
        }
    }

    static func makeDesk(store: CandleStore, producer: KafkaProducer) -> SignalDesk {
        SignalDesk(store: store, producer: producer, timeframe: .m1, warmUpBars: 300) { _ in
            MACDRSIConfiguration(tickSize: try Price(parsing: "0.1"))
        }
    }

    /// The intents a strategy returns when it sees every candle in turn.
    static func expectedIntents() throws -> [Intent] {
        var strategy = try MACDRSIStrategy(configuration: MACDRSIConfiguration(tickSize: try Price(parsing: "0.1")))
        return try closes.indices.compactMap { strategy.onCandle(try candle($0)) }
    }

    @Test func aDeskStartedMidStreamWarmsUpFromTheStoreAndDecidesAsIfItHadSeenEverything() async throws {
        let expected = try Self.expectedIntents()
        try #require(expected.count == 1 && expected[0].candleTime == Self.origin.adding(milliseconds: 90 * 60_000))
        try await Self.withDesk { desk, store in
            // History before the desk starts, as marketdata would have stored it.
            try await store.upsert(try (0..<60).map(Self.candle))
            var intents: [Intent] = []
            for index in 60..<Self.closes.count {
                let candle = try Self.candle(index)
                try await store.upsert([candle])
                if let intent = try await desk.handle(candle) { intents.append(intent) }
            }
            #expect(intents == expected)
        }
    }

    @Test func aRedeliveredCandleYieldsNothingAndARestartedDeskTheSameIntent() async throws {
        let expected = try Self.expectedIntents()[0]
        try await Self.withDesk { desk, store in
            try await store.upsert(try Self.closes.indices.map(Self.candle))
            let deciding = try Self.candle(90)
            #expect(try await desk.handle(deciding) == expected)
            #expect(try await desk.handle(deciding) == nil)
            #expect(try await desk.handle(try Self.candle(89)) == nil)

            let restarted = Self.makeDesk(store: store, producer: try KafkaProducer(config: try TestEnvironment.kafka(), logger: Logger(label: "test")))
            #expect(try await restarted.handle(deciding)?.id == expected.id)
        }
    }

    @Test func candlesOfOtherTimeframesAndFormingCandlesAreIgnored() async throws {
        try await Self.withDesk { desk, store in
            try await store.upsert(try Self.closes.indices.map(Self.candle))
            let deciding = try Self.candle(90)
            let forming = try Candle(
                symbol: deciding.symbol, timeframe: .m1, openTime: deciding.openTime, open: deciding.open, high: deciding.high,
                low: deciding.low, close: deciding.close, volume: deciding.volume, isClosed: false)
            let otherTimeframe = try Candle(
                symbol: deciding.symbol, timeframe: .m15, openTime: deciding.openTime, open: deciding.open, high: deciding.high,
                low: deciding.low, close: deciding.close, volume: deciding.volume, isClosed: true)
            #expect(try await desk.handle(forming) == nil)
            #expect(try await desk.handle(otherTimeframe) == nil)
            #expect(try await desk.handle(deciding) != nil)
        }
    }

    @Test func aMessageThatIsNotACandleIsInvalid() async throws {
        try await Self.withDesk { desk, _ in
            let garbage = ConsumedMessage(topic: Topic.mdCandles.rawValue, partition: 0, offset: 0, key: nil, value: [0xFF, 0x01])
            await #expect(throws: InvalidMessage.self) { try await desk.consumeCandle(garbage) }
            var unnamed = Keel_V1_Candle()
            unnamed.timeframe = .m1
            let empty = ConsumedMessage(
                topic: Topic.mdCandles.rawValue, partition: 0, offset: 1, key: nil, value: try unnamed.serializedBytes())
            await #expect(throws: InvalidMessage.self) { try await desk.consumeCandle(empty) }
        }
    }
}
