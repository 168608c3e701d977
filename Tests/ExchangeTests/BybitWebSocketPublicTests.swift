import Core
import Exchange
@testable import ExchangeSimulator
import Synchronization
import Testing

/// `BybitPublicStream` against the simulator over real WebSocket: typed trades, klines,
/// tickers and order-book replicas, reconnects and resyncs.
@Suite("Bybit public stream against the simulator", .serialized)
struct BybitWebSocketPublicTests {
    let btc = try! Symbol("BTCUSDT")

    func publicStream(port: Int) -> BybitPublicStream {
        BybitPublicStream(
            configuration: .init(
                url: "ws://127.0.0.1:\(port)/v5/public/linear",
                backoff: Backoff(initial: .milliseconds(100), maximum: .milliseconds(500)),
                metricDimensions: [("venue", "bybit"), ("stream", "public")]),
            logger: streamTestLogger)
    }

    /// Moves `clock` one book step every 20 ms of real time until cancelled.
    func advancing(_ clock: ManualClock) -> Task<Void, Never> {
        Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(20))
                clock.advance(by: .milliseconds(MarketBoard.bookStep))
            }
        }
    }

    /// A public stream on the simulator at `port`, running and recorded, subscribed to `topics`.
    func startStream(port: Int, _ topics: [BybitPublicTopic]) -> (BybitPublicStream, Recorder<BybitPublicMessage>, Task<Void, Never>) {
        let stream = publicStream(port: port)
        let (recorder, task) = recording(stream.messages, run: stream.run)
        stream.subscribe(topics)
        return (stream, recorder, task)
    }

    /// Stops `mover`, then expects the replica to reach the simulator's book at the clock's
    /// time with exactly its levels, and every book message from `start` on to carry the
    /// previous `u` + 1.
    func expectReplicaMatchesSimulator(
        _ simulator: BybitSimulator, _ recorder: Recorder<BybitPublicMessage>, stopping mover: Task<Void, Never>,
        clock: ManualClock, depth: Int, from start: Int
    ) async throws {
        mover.cancel()
        await mover.value
        let instrument = try #require(simulator.market.instrument(btc))
        let book = simulator.market.book(btc, at: clock.now(), depth: depth)
        func levels(_ levels: [BookLevel]) throws -> [BybitBookLevel] {
            try levels.map {
                BybitBookLevel(price: try Price(parsing: instrument.price(ticks: $0.priceTicks)),
                               size: try Quantity(parsing: instrument.quantity(units: $0.sizeUnits)))
            }
        }
        let replica = try #require(await recorder.wait(after: start) { message -> BybitOrderBookReplica? in
            if case .orderBook(_, let replica) = message, replica.updateID == book.updateID { replica } else { nil }
        }?.value)
        #expect(replica.bids == (try levels(book.bids)))
        #expect(replica.asks == (try levels(book.asks)))
        let ids = recorder.all[start...].compactMap { message -> Int64? in
            if case .orderBook(_, let replica) = message { replica.updateID } else { nil }
        }
        #expect(ids.count > 3)
        #expect(zip(ids, ids.dropFirst()).allSatisfy { $1 == $0 + 1 })
    }

    @Test func tradesArriveAsCoreTrades() async throws {
        try await withRunningSimulator { simulator, port in
            let (_, recorder, task) = startStream(port: port, [.trades(btc)])
            defer { task.cancel() }
            let trades = await recorder.wait(timeout: .seconds(20)) { message -> [Trade]? in
                if case .trades(let trades) = message, !trades.isEmpty { trades } else { nil }
            }
            let trade = try #require(trades?.value.first)
            #expect(trade.symbol == btc)
            // The very trade the simulated market printed at that instant.
            let printed = simulator.market.trades(btc, after: trade.time.adding(milliseconds: -1), through: trade.time)
            let instrument = try #require(simulator.market.instrument(btc))
            #expect(printed.map { instrument.price(ticks: $0.priceTicks) } == [trade.price.description])
            #expect(printed.map { instrument.quantity(units: $0.sizeUnits) } == [trade.quantity.description])
        }
    }

    @Test func klinesArriveAndAreConfirmedWhenTheMinuteEnds() async throws {
        let clock = minuteAlignedClock()
        try await withRunningSimulator(clock: SimulatorClock(clock)) { _, port in
            let (_, recorder, task) = startStream(port: port, [.kline(.m1, btc)])
            defer { task.cancel() }
            let open = await recorder.wait { message -> Candle? in if case .candle(let candle) = message { candle } else { nil } }
            let candle = try #require(open?.value)
            #expect(candle.symbol == btc && candle.timeframe == .m1 && !candle.isClosed)
            #expect(candle.openTime == Timeframe.m1.bucketStart(of: clock.now()))

            clock.advance(by: .seconds(60))
            let closed = await recorder.wait { message -> Candle? in
                if case .candle(let candle) = message, candle.isClosed { candle } else { nil }
            }
            #expect(closed?.value.openTime == candle.openTime)
            let next = await recorder.wait(after: closed?.index ?? 0) { message -> Candle? in
                if case .candle(let candle) = message, !candle.isClosed { candle } else { nil }
            }
            #expect(next?.value.openTime == candle.openTime.adding(milliseconds: 60_000))
        }
    }

    @Test func tickerDeltasAreMergedIntoTheSnapshot() async throws {
        let clock = minuteAlignedClock()
        try await withRunningSimulator(clock: SimulatorClock(clock)) { simulator, port in
            let (_, recorder, task) = startStream(port: port, [.ticker(btc)])
            defer { task.cancel() }
            let first = await recorder.wait { message -> BybitTicker? in if case .ticker(let ticker) = message { ticker } else { nil } }
            let snapshot = try #require(first?.value)
            #expect(snapshot.symbol == btc)
            let instrument = try #require(simulator.market.instrument(btc))
            #expect(snapshot.lastPrice == (try Price(parsing: instrument.price(ticks: simulator.market.lastPriceTicks(btc, at: clock.now())))))

            // Over the next minutes the last price moves; each delta keeps the unchanged fields.
            var latest = snapshot
            for _ in 0..<5 where latest.lastPrice == snapshot.lastPrice {
                clock.advance(by: .seconds(60))
                let expected = try Price(parsing: instrument.price(ticks: simulator.market.lastPriceTicks(btc, at: clock.now())))
                if let update = await recorder.wait(timeout: .seconds(5), { message -> BybitTicker? in
                    if case .ticker(let ticker) = message, ticker.lastPrice == expected { ticker } else { nil }
                }) {
                    latest = update.value
                }
            }
            #expect(latest.lastPrice != snapshot.lastPrice)
            // The funding rate is its 8-hour period's: the snapshot's, unless these minutes
            // crossed into the next period (the clock starts at the wall clock's minute).
            #expect(latest.fundingRate == simulator.market.fundingRate(btc, at: clock.now()))
            #expect(latest.symbol == btc)
        }
    }

    @Test func theReplicaMatchesTheSimulatorsBookAtTheSameUpdateID() async throws {
        let clock = minuteAlignedClock()
        try await withRunningSimulator(clock: SimulatorClock(clock)) { simulator, port in
            let (_, recorder, task) = startStream(port: port, [.orderBook(depth: 50, symbol: btc)])
            defer { task.cancel() }
            let first = try #require(await recorder.waitUntil { if case .orderBook = $0 { true } else { false } })
            let mover = advancing(clock)
            try await Task.sleep(for: .milliseconds(600))
            try await expectReplicaMatchesSimulator(simulator, recorder, stopping: mover, clock: clock, depth: 50, from: first)
        }
    }

    @Test func aDroppedConnectionIsBackAndResubscribedWithNoGap() async throws {
        let clock = minuteAlignedClock()
        try await withRunningSimulator(clock: SimulatorClock(clock)) { simulator, port in
            let topic = BybitPublicTopic.orderBook(depth: 200, symbol: btc)
            let (stream, recorder, task) = startStream(port: port, [topic, .trades(btc)])
            defer { task.cancel() }
            #expect(await recorder.waitUntil { if case .orderBook = $0 { true } else { false } } != nil)
            let mover = advancing(clock)

            let dropped = ContinuousClock.now
            simulator.dropWebSocketConnections()
            let reconnected = try #require(await recorder.waitUntil {
                if case .connected(let reconnects) = $0, reconnects == 1 { true } else { false }
            })
            #expect(await recorder.waitUntil(after: reconnected) { if case .orderBook = $0 { true } else { false } } != nil)
            #expect(ContinuousClock.now - dropped < .seconds(5))
            #expect(stream.connection.reconnects == 1)
            #expect(Set(stream.connection.topics) == [topic.name, "publicTrade.BTCUSDT"])

            try await Task.sleep(for: .milliseconds(500))
            try await expectReplicaMatchesSimulator(simulator, recorder, stopping: mover, clock: clock, depth: 200, from: reconnected)
            #expect(stream.resyncCount == 0)
        }
    }

    @Test func aSkippedUpdateIDTriggersAResync() async throws {
        let clock = minuteAlignedClock()
        try await withRunningSimulator(clock: SimulatorClock(clock)) { simulator, port in
            let topic = BybitPublicTopic.orderBook(depth: 50, symbol: btc)
            let (stream, recorder, task) = startStream(port: port, [topic])
            defer { task.cancel() }
            #expect(await recorder.waitUntil { if case .orderBook = $0 { true } else { false } } != nil)
            let mover = advancing(clock)
            try await Task.sleep(for: .milliseconds(200))
            simulator.skipNextOrderBookDelta()

            let resync = try #require(await recorder.wait { message -> String? in
                if case .resync(let name, let reason) = message, name == topic.name { reason } else { nil }
            })
            #expect(resync.value.contains("gap"))
            #expect(stream.resyncCount == 1)
            // A fresh snapshot follows and the replica goes on consecutively from it.
            let rebuilt = try #require(await recorder.waitUntil(after: resync.index) { if case .orderBook = $0 { true } else { false } })
            try await Task.sleep(for: .milliseconds(400))
            try await expectReplicaMatchesSimulator(simulator, recorder, stopping: mover, clock: clock, depth: 50, from: rebuilt)
        }
    }

    @Test func subscriptionsOverTheArgsLimitGoInBatches() async throws {
        try await withRunningSimulator { simulator, port in
            let stream = BybitPublicStream(
                configuration: .init(url: "ws://127.0.0.1:\(port)/v5/public/linear", maxArgsCharacters: 50),
                logger: streamTestLogger)
            let (recorder, task) = recording(stream.messages, run: stream.run)
            defer { task.cancel() }
            let symbols = simulator.market.instruments.map(\.symbol)
            stream.subscribe(symbols.map { .ticker($0) })
            let acks = { recorder.all.filter { if case .reply(let reply) = $0 { reply.op == "subscribe" && reply.success } else { false } }.count }
            let tickers = { Set(recorder.all.compactMap { message -> Symbol? in if case .ticker(let ticker) = message { ticker.symbol } else { nil } }) }
            for _ in 0..<500 where tickers().count < symbols.count { try await Task.sleep(for: .milliseconds(20)) }
            #expect(tickers() == Set(symbols))
            // Twelve "tickers.XXXUSDT" topics of 14-15 characters, at most 50 characters a frame.
            #expect(acks() == 4)
        }
    }

    @Test func theHeartbeatIsAnsweredAndKeepsAQuietConnectionAlive() async throws {
        try await withRunningSimulator { _, port in
            let stream = BybitPublicStream(
                configuration: .init(url: "ws://127.0.0.1:\(port)/v5/public/linear", pingInterval: .milliseconds(200), deadAfter: .seconds(5)),
                logger: streamTestLogger)
            let (recorder, task) = recording(stream.messages, run: stream.run)
            defer { task.cancel() }
            let first = try #require(await recorder.waitUntil { if case .reply(let reply) = $0 { reply.message == "pong" } else { false } })
            #expect(await recorder.waitUntil(after: first + 1) { if case .reply(let reply) = $0 { reply.message == "pong" } else { false } } != nil)
            #expect(!recorder.all.contains { if case .disconnected = $0 { true } else { false } })
            #expect(stream.connection.reconnects == 0)
        }
    }

    @Test func aSilentConnectionIsDeclaredDeadAndReconnected() async throws {
        try await withRunningSimulator { _, port in
            // No subscriptions and no heartbeat: nothing arrives, so the link is declared dead.
            let told = Atomic<Int>(0)
            let connection = ReconnectingWebSocket(
                configuration: .init(url: "ws://127.0.0.1:\(port)/v5/public/linear", pingInterval: .seconds(600),
                                     deadAfter: .milliseconds(800), backoff: Backoff(initial: .milliseconds(50), maximum: .milliseconds(100)),
                                     onReconnect: { told.add(1, ordering: .relaxed) }),
                logger: streamTestLogger)
            let (recorder, task) = recording(connection.events, run: connection.run)
            defer { task.cancel() }
            let dead = await recorder.wait { message -> String? in
                if case .disconnected(let reason) = message { reason } else { nil }
            }
            #expect(dead?.value.contains("dead") == true)
            #expect(await recorder.waitUntil { if case .connected(let reconnects) = $0, reconnects >= 1 { true } else { false } } != nil)
            let reconnects = told.load(ordering: .relaxed)
            #expect(reconnects >= 1 && reconnects <= connection.reconnects, "onReconnect is told of each reconnect (for storm detection)")
        }
    }
}
