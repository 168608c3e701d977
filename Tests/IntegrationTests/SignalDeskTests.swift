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
        let plain = StrategyInstanceConfig(name: "macd_rsi", symbols: [symbol], timeframe: .m1, settings: StrategySettings())
        return SignalDesk(store: store, producer: producer, config: SignalsConfig(warmUpBars: 300, strategies: [plain])) { _ in
            try Price(parsing: "0.1")
        }
    }

    /// `candle` as marketdata publishes it.
    static func message(_ candle: Candle) -> Keel_V1_Candle {
        Keel_V1_Candle(candle, venue: .bybit, receivedAt: candle.closeTime)
    }

    /// The intents a strategy returns when it sees every candle in turn.
    static func expectedIntents() throws -> [Intent] {
        var strategy = try MACDRSIStrategy(
            name: "macd_rsi", symbol: symbol, timeframe: .m1, tickSize: try Price(parsing: "0.1"), settings: StrategySettings())
        return try closes.indices.flatMap { try strategy.onCandle(try candle($0)).intents }
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
                intents += try await desk.handle(candle).intents
            }
            #expect(intents == expected)
        }
    }

    @Test func aRedeliveredCandleIsRefusedAndARestartedDeskGivesTheSameIntent() async throws {
        let expected = try Self.expectedIntents()[0]
        try await Self.withDesk { desk, store in
            try await store.upsert(try Self.closes.indices.map(Self.candle))
            let deciding = try Self.candle(90)
            #expect(try await desk.handle(deciding).intents == [expected])
            let again = try await desk.handle(deciding)
            #expect(again.intents.isEmpty && again.rejections.first?.contains("duplicate") == true)
            let older = try await desk.handle(try Self.candle(89))
            #expect(older.intents.isEmpty && older.rejections.first?.contains("arrived after") == true)

            let restarted = Self.makeDesk(store: store, producer: try KafkaProducer(config: try TestEnvironment.kafka(), logger: Logger(label: "test")))
            #expect(try await restarted.handle(deciding).intents.map(\.id) == [expected.id])
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
            for ignored in [forming, otherTimeframe] {
                let outcome = try await desk.handle(ignored)
                #expect(outcome.intents.isEmpty && outcome.rejections.isEmpty)
            }
            #expect(try await desk.handle(deciding).intents.count == 1)
        }
    }

    @Test func badCandlesAreDeadLetteredWithTheirReasonAndLeaveTheStrategyAsItWas() async throws {
        let expected = try Self.expectedIntents()
        try await Self.withDesk { desk, store in
            try await store.upsert(try Self.closes.indices.map(Self.candle))
            func consumed(_ candle: Keel_V1_Candle, offset: Int64) throws -> ConsumedMessage {
                ConsumedMessage(topic: Topic.mdCandles.rawValue, partition: 0, offset: offset, key: nil, value: try candle.serializedBytes())
            }
            let good = try (0..<90).map { Self.message(try Self.candle($0)) }
            for (offset, candle) in good.enumerated() { try await desk.consumeCandle(try consumed(candle, offset: Int64(offset))) }

            // High below low, a zero price, a repeat and an older candle: each refused with its reason.
            var inverted = Self.message(try Self.candle(90))
            (inverted.high, inverted.low) = (inverted.low, inverted.high)
            var zero = Self.message(try Self.candle(90))
            zero.low = Keel_V1_Decimal(FixedPoint.zero)
            let cases: [(Keel_V1_Candle, String)] = [
                (inverted, "high"), (zero, "low"), (good[89], "duplicate"), (good[40], "arrived after"),
            ]
            for (offset, (candle, reason)) in cases.enumerated() {
                await #expect {
                    try await desk.consumeCandle(try consumed(candle, offset: 100 + Int64(offset)))
                } throws: { error in
                    (error as? InvalidMessage)?.reason.contains(reason) == true
                }
            }
            // The strategy carries on exactly as if it had never seen them.
            var intents: [Intent] = []
            for index in 90..<Self.closes.count { intents += try await desk.handle(try Self.candle(index)).intents }
            #expect(intents == expected)
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
