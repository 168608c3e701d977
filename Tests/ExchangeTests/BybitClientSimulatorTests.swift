import Core
import Exchange
import ExchangeSimulator
import Foundation
import Synchronization
import Testing

/// Keel's Bybit REST client against the simulator, over real HTTP on loopback.
@Suite("BybitClient against the simulator", .serialized)
struct BybitClientSimulatorTests {
    /// Starts a simulator on a free loopback port and runs `body` with a client pointed at it.
    func withSimulator<T>(
        _ configuration: BybitSimulator.Configuration = .init(),
        clock: SimulatorClock = SimulatorClock(),
        budget: RateBudget = RateBudget(),
        alerts: AlertLog = AlertLog(),
        _ body: (BybitSimulator, BybitRESTClient, String) async throws -> T
    ) async throws -> T {
        try await withRunningSimulator(configuration, clock: clock) { simulator, port in
            let baseURL = "http://127.0.0.1:\(port)"
            let client = BybitRESTClient(configuration: .init(baseURL: baseURL, alert: alerts.record), budget: budget)
            return try await body(simulator, client, baseURL)
        }
    }

    let btc = try! Symbol("BTCUSDT")

    @Test func startReportsTheBoundPortAndBindFailuresThrow() async throws {
        let first = BybitSimulator()
        let port = try await first.start(port: 0)
        #expect(port > 0)
        let second = BybitSimulator()
        await #expect(throws: (any Error).self) { _ = try await second.start(port: port) }
        await first.stop()
        // The port is free again once stopped.
        let again = try await second.start(port: port)
        #expect(again == port)
        await second.stop()
    }

    @Test func serverTimeOffsetIsMeasuredAndApplied() async throws {
        let ahead = Timestamp.systemNow().adding(milliseconds: 60_000)
        try await withSimulator(clock: SimulatorClock(ManualClock(ahead))) { _, client, _ in
            let time = try await client.serverTime()
            #expect(time.timestamp == ahead)
            #expect(time.timeSecond == ahead.milliseconds / 1000)
            let offset = try await client.synchronizeTime()
            #expect(abs(offset - 60_000) < 2_000)
            #expect(abs(client.serverNow().milliseconds - ahead.milliseconds) < 2_000)
        }
    }

    @Test func instrumentsFollowEveryCursorPage() async throws {
        try await withSimulator(.init(instrumentsPageSize: 5)) { _, client, baseURL in
            // One raw page: five items and a cursor to the next.
            let raw = try await CurlHTTPClient().send(HTTPRequest(url: baseURL + "/v5/market/instruments-info?category=linear&limit=1000"))
            let first = try BybitMarketDecoder.instrumentsPage(from: Data(raw.body))
            #expect(first.instruments.count == 5)
            #expect(first.nextPageCursor != nil)

            let all = try await client.instruments(category: "linear")
            #expect(all.count == SimulatedInstrument.defaults.count)
            #expect(Set(all.map(\.symbol)).count == all.count)
            let btc = try #require(all.first { $0.symbol == self.btc })
            #expect(btc.tickSize == Price(try FixedPoint(parsing: "0.10")))
            #expect(btc.qtyStep == Quantity(try FixedPoint(parsing: "0.001")))
            #expect(btc.minNotional == Money(try FixedPoint(parsing: "5")))
            #expect(btc.maxLeverage == (try FixedPoint(parsing: "100")))
            #expect(btc.status == .trading)
        }
    }

    @Test func klinesComeBackOldestFirstWithClosedFlags() async throws {
        try await withSimulator { _, client, _ in
            _ = try await client.synchronizeTime()
            let candles = try await client.klines(symbol: btc, timeframe: .m15, limit: 50)
            #expect(candles.count == 50)
            for (previous, next) in zip(candles, candles.dropFirst()) {
                #expect(next.openTime.milliseconds - previous.openTime.milliseconds == Timeframe.m15.milliseconds)
            }
            #expect(candles.dropLast().allSatisfy { $0.isClosed })
            #expect(candles.last?.isClosed == false)
            let tick = Price(try FixedPoint(parsing: "0.10"))
            #expect(candles.allSatisfy { $0.close.isMultiple(ofTick: tick) && $0.low <= $0.high })

            // A closed window between start and end.
            let start = candles[10].openTime
            let end = candles[19].openTime
            let window = try await client.klines(symbol: btc, timeframe: .m15, start: start, end: end)
            #expect(window.map(\.openTime) == candles[10...19].map(\.openTime))
            #expect(window == Array(candles[10...19]))

            let daily = try await client.klines(symbol: btc, timeframe: .d1)
            #expect(daily.count >= 3)
            #expect(daily.allSatisfy { Timeframe.d1.isBucketStart($0.openTime) })
        }
    }

    @Test func tickersAndOrderBookRoundTrip() async throws {
        try await withSimulator { _, client, _ in
            let one = try await client.tickers(symbol: btc)
            #expect(one.count == 1)
            let ticker = try #require(one.first)
            #expect(ticker.symbol == btc)
            let bid = try #require(ticker.bid1Price)
            let ask = try #require(ticker.ask1Price)
            #expect(bid < ticker.lastPrice && ticker.lastPrice < ask)
            #expect(ticker.nextFundingTime.milliseconds % 28_800_000 == 0)

            let all = try await client.tickers()
            #expect(all.count == SimulatedInstrument.defaults.count)

            let book = try await client.orderBook(symbol: btc, limit: 5)
            #expect(book.symbol == btc)
            #expect(book.bids.count == 5 && book.asks.count == 5)
            let best = try #require(book.bestBid)
            let worst = try #require(book.bestAsk)
            #expect(best.price < worst.price)
            // The book moves every `MarketBoard.bookStep` ms; its `u` counts those steps.
            try await Task.sleep(for: .milliseconds(MarketBoard.bookStep * 3))
            let again = try await client.orderBook(symbol: btc, limit: 5)
            #expect(again.updateID > book.updateID)
        }
    }

    @Test func sameSeedSameMarket() async throws {
        let now = Timestamp.systemNow()
        let first = try await withSimulator(.init(seed: 7), clock: SimulatorClock(ManualClock(now))) { _, client, _ in
            try await client.klines(symbol: btc, timeframe: .h1, limit: 24)
        }
        let second = try await withSimulator(.init(seed: 7), clock: SimulatorClock(ManualClock(now))) { _, client, _ in
            try await client.klines(symbol: btc, timeframe: .h1, limit: 24)
        }
        let other = try await withSimulator(.init(seed: 8), clock: SimulatorClock(ManualClock(now))) { _, client, _ in
            try await client.klines(symbol: btc, timeframe: .h1, limit: 24)
        }
        #expect(first.count == 24)
        #expect(first == second)
        #expect(first != other)
    }

    @Test func badParametersSurfaceAsParameterError() async throws {
        try await withSimulator { _, client, baseURL in
            await #expect {
                _ = try await client.klines(symbol: try Symbol("NOPEUSDT"), timeframe: .h1)
            } throws: { error in
                guard case BybitError.parameterError(let message) = error else { return false }
                return message.contains("symbol")
            }
            await #expect {
                let body = try await client.get("/v5/market/kline", query: [("category", "linear"), ("symbol", "BTCUSDT"), ("interval", "7")])
                try BybitResponse.check(Data(body))
            } throws: { error in
                guard case BybitError.parameterError(let message) = error else { return false }
                return message.contains("interval")
            }
            // Bybit answers parameter errors with HTTP 200 and retCode 10001.
            let raw = try await CurlHTTPClient().send(HTTPRequest(url: baseURL + "/v5/market/orderbook?category=linear&symbol=BTCUSDT&limit=0"))
            #expect(raw.status == 200)
            #expect(throws: BybitError.self) { try BybitResponse.check(Data(raw.body)) }
        }
    }

    @Test func rateLimitHeadersAreSent() async throws {
        try await withSimulator(.init(endpointLimitPerSecond: 3)) { _, _, baseURL in
            let http = CurlHTTPClient()
            var statuses: [String] = []
            var codes: [Int] = []
            for _ in 0..<4 {
                let reply = try await http.send(HTTPRequest(url: baseURL + "/v5/market/time"))
                #expect(reply.headers["X-Bapi-Limit"] == "3")
                #expect(reply.headers["X-Bapi-Limit-Reset-Timestamp"].flatMap { Int64($0) } != nil)
                statuses.append(reply.headers["X-Bapi-Limit-Status"] ?? "?")
                do { try BybitResponse.check(Data(reply.body)); codes.append(0) } catch let error as BybitError { codes.append(error.retCode) }
            }
            #expect(statuses == ["2", "1", "0", "0"])
            #expect(codes == [0, 0, 0, 10006])
        }
    }

    @Test func endpointBudgetIsHonoured() async throws {
        // 3 per second per endpoint: the client waits for the reset instead of earning 10006s.
        try await withSimulator(.init(endpointLimitPerSecond: 3)) { _, client, _ in
            let began = ContinuousClock.now
            for _ in 0..<7 { _ = try await client.serverTime() }
            let elapsed = ContinuousClock.now - began
            print("7 requests at 3/s per endpoint took \(elapsed)")
            #expect(elapsed >= .milliseconds(1_900))
        }
    }

    /// Runs `count` requests at once and counts those that threw.
    static func countFailures(of count: Int, _ request: @escaping @Sendable (Int) async throws -> Void) async -> Int {
        await withTaskGroup(of: Bool.self) { group in
            for index in 0..<count {
                group.addTask {
                    do {
                        try await request(index)
                        return false
                    } catch {
                        return true
                    }
                }
            }
            return await group.reduce(0) { $1 ? $0 + 1 : $0 }
        }
    }

    static let burst = 200
    static let windowed = BybitSimulator.Configuration(ipLimit: 50, ipWindow: .seconds(1), endpointLimitPerSecond: 1_000)

    @Test func burstThroughTheClientEarnsNo403() async throws {
        let budget = RateBudget(configuration: .init(ipLimit: 50, ipWindow: .seconds(1)))
        try await withSimulator(Self.windowed, budget: budget) { simulator, client, _ in
            let symbol = btc
            let began = ContinuousClock.now
            let failures = await Self.countFailures(of: Self.burst) { _ in
                _ = try await client.tickers(symbol: symbol)
            }
            let elapsed = ContinuousClock.now - began
            // 200 requests, 50 per rolling second: the last 50 cannot start before 3 s.
            print("burst of \(Self.burst) through the client at 50 per 1 s: \(elapsed), 403s: \(simulator.forbiddenCount)")
            #expect(failures == 0)
            #expect(simulator.forbiddenCount == 0)
            #expect(elapsed >= .seconds(3))
            #expect(elapsed < .seconds(8))
        }
    }

    @Test func burstOf2000AtBybitsRealWindow() async throws {
        // Bybit's own IP window, 600 per 5 s: 2,000 requests cannot finish before 15 s.
        let configuration = BybitSimulator.Configuration(endpointLimitPerSecond: 10_000)
        try await withSimulator(configuration) { simulator, client, _ in
            let began = ContinuousClock.now
            let failures = await Self.countFailures(of: 2_000) { index in
                if index % 2 == 0 { _ = try await client.serverTime() } else { _ = try await client.tickers(symbol: self.btc) }
            }
            let elapsed = ContinuousClock.now - began
            print("burst of 2000 through the client at 600 per 5 s: \(elapsed) (minimum 15 s), 403s: \(simulator.forbiddenCount)")
            #expect(failures == 0)
            #expect(simulator.forbiddenCount == 0)
            #expect(elapsed >= .seconds(15))
            #expect(elapsed < .seconds(30))
        }
    }

    @Test func rawBurstGets403AndTheClientStopsOnIt() async throws {
        // A long window, so the client's request below still meets a full one.
        let configuration = BybitSimulator.Configuration(ipLimit: 50, ipWindow: .seconds(30), endpointLimitPerSecond: 1_000)
        let alerts = AlertLog()
        try await withSimulator(configuration, alerts: alerts) { simulator, client, baseURL in
            #expect(alerts.all.isEmpty)
            let http = CurlHTTPClient()
            let url = baseURL + "/v5/market/tickers?category=linear&symbol=BTCUSDT"
            let forbidden = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<Self.burst {
                    group.addTask { try await http.send(HTTPRequest(url: url)).status }
                }
                var forbidden = 0
                for try await status in group where status == 403 { forbidden += 1 }
                return forbidden
            }
            print("raw burst of \(Self.burst) without a budget: \(forbidden) answered 403")
            #expect(forbidden > 0)
            #expect(simulator.forbiddenCount == forbidden)

            // The client surfaces a 403 as a typed error, without retrying, and then refuses
            // to send anything during the cool-down.
            let before = simulator.forbiddenCount
            await #expect {
                _ = try await client.tickers(symbol: btc)
            } throws: { error in
                guard case BybitClientError.ipRateLimited = error else { return false }
                return true
            }
            #expect(simulator.forbiddenCount == before + 1)
            #expect(await client.budget.isForbidden)
            let raised = alerts.all
            #expect(raised.count == 1)
            if case .ipRateLimited(let coolDown, let request)? = raised.first {
                #expect(coolDown == .seconds(600))
                #expect(request == "GET \(baseURL)/v5/market/tickers")
            } else {
                Issue.record("expected one ipRateLimited alert, got \(raised)")
            }
            await #expect {
                _ = try await client.serverTime()
            } throws: { error in
                guard case BybitClientError.ipRateLimited = error else { return false }
                return true
            }
            #expect(simulator.forbiddenCount == before + 1)
            // Refusals during the cool-down are not new alerts.
            #expect(alerts.all.count == 1)
        }
    }
}

/// Collects the alerts a client raises.
final class AlertLog: Sendable {
    private let alerts = Mutex<[ExchangeAlert]>([])
    var all: [ExchangeAlert] { alerts.withLock { $0 } }
    var record: @Sendable (ExchangeAlert) -> Void { { [self] alert in alerts.withLock { $0.append(alert) } } }
}
