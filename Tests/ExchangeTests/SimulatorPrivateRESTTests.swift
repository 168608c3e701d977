import Core
import Exchange
@testable import ExchangeSimulator
import Foundation
import Testing

/// The simulator's signed Bybit V5 endpoints over real HTTP, requests signed by `BybitSigner`.
@Suite("Simulator private REST", .serialized)
struct SimulatorPrivateRESTTests {
    @Test func everyEndpointAnswersInBybitsShape() async throws {
        try await withPrivateSimulator { _, session in
            let key = try await session.get("/v5/user/query-api", "")
            #expect(key.retCode == 0 && key.result["readOnly"]?.int == 0 && key.result["userID"]?.int == 100_001)
            #expect(key.result["permissions"]?["ContractTrade"]?.array.count == 2)

            let wallet = try await session.get("/v5/account/wallet-balance", "accountType=UNIFIED")
            #expect(wallet.retCode == 0 && wallet.result["list"]?[0]?["totalEquity"]?.string == "100000.00000000")
            #expect(wallet.headers["X-Bapi-Limit"] == "50")

            // pybit's JSON (", " and ": " separators) and compact JSON both verify.
            let leverage = try await session.post("/v5/position/set-leverage", #"{"buyLeverage": "5", "category": "linear", "sellLeverage": "5", "symbol": "BTCUSDT"}"#)
            #expect(leverage.retCode == 0)
            let again = try await session.post("/v5/position/set-leverage", #"{"category":"linear","symbol":"BTCUSDT","buyLeverage":"5","sellLeverage":"5"}"#)
            #expect(again.retCode == 110043)

            let ticker = try await CurlHTTPClient().send(HTTPRequest(url: session.baseURL + "/v5/market/tickers?category=linear&symbol=BTCUSDT"))
            let last = try #require(try JSONDecoder().decode(ReplyJSON.self, from: Data(ticker.body))["result"]?["list"]?[0]?["lastPrice"]?.string)
            let lastValue = try FixedPoint(parsing: last)
            let takeProfit = try (lastValue + FixedPoint(integer: 3000)).description
            let stopLoss = try (lastValue - FixedPoint(integer: 3000)).description
            let create = try await session.post(
                "/v5/order/create",
                #"{"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":"0.010","orderLinkId":"rest-1","takeProfit":"\#(takeProfit)","stopLoss":"\#(stopLoss)","positionIdx":0}"#)
            #expect(create.retCode == 0 && create.result["orderLinkId"]?.string == "rest-1")
            let orderId = try #require(create.result["orderId"]?.string)

            let byLink = try await session.get("/v5/order/realtime", "category=linear&orderLinkId=rest-1&symbol=BTCUSDT")
            #expect(byLink.result["list"]?[0]?["orderId"]?.string == orderId)
            #expect(byLink.result["list"]?[0]?["orderStatus"]?.string == "Filled")

            let positions = try await session.get("/v5/position/list", "category=linear&symbol=BTCUSDT")
            let position = try #require(positions.result["list"]?[0])
            #expect(position["size"]?.string == "0.010" && position["side"]?.string == "Buy" && position["leverage"]?.string == "5")
            #expect(position["takeProfit"]?.string == takeProfit && position["stopLoss"]?.string == stopLoss)
            #expect(position["liqPrice"]?.string?.isEmpty == false)

            let stop = try await session.post("/v5/position/trading-stop", #"{"category": "linear", "positionIdx": 0, "symbol": "BTCUSDT", "tpslMode": "Full", "trailingStop": "150"}"#)
            #expect(stop.retCode == 0)
            let trailed = try await session.get("/v5/position/list", "category=linear&settleCoin=USDT")
            #expect(trailed.result["list"]?.array.count == 1 && trailed.result["list"]?[0]?["trailingStop"]?.string == "150.00")

            let price = try (lastValue - FixedPoint(integer: 5000)).description
            let resting = try await session.post("/v5/order/create", #"{"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Limit","qty":"0.010","price":"\#(price)","timeInForce":"GTC"}"#)
            let restingId = try #require(resting.result["orderId"]?.string)
            let open = try await session.get("/v5/order/realtime", "category=linear&symbol=BTCUSDT")
            #expect(open.result["list"]?.array.map { $0["orderId"]?.string } == [restingId])
            let all = try await session.get("/v5/order/realtime", "category=linear&limit=1&openOnly=1&symbol=BTCUSDT")
            #expect(all.result["list"]?.array.count == 1 && all.result["nextPageCursor"]?.string == "1")
            let cancel = try await session.post("/v5/order/cancel", #"{"category":"linear","symbol":"BTCUSDT","orderId":"\#(restingId)"}"#)
            #expect(cancel.retCode == 0 && cancel.result["orderId"]?.string == restingId)
            let cancelled = try await session.get("/v5/order/realtime", "category=linear&orderId=\(restingId)&symbol=BTCUSDT")
            #expect(cancelled.result["list"]?[0]?["orderStatus"]?.string == "Cancelled")
            let unknown = try await session.post("/v5/order/cancel", #"{"category":"linear","symbol":"BTCUSDT","orderId":"\#(restingId)"}"#)
            #expect(unknown.retCode == 110001)
        }
    }

    @Test func authenticationFailuresCarryBybitsCodes() async throws {
        let reader = SimulatedAccount(apiKey: "reader", secret: Secret("reader-secret"), uid: 7, startingBalance: FixedPoint(integer: 10), readOnly: true)
        try await withPrivateSimulator(.init(accounts: [.standard, reader])) { _, session in
            let stranger = SignedSession(baseURL: session.baseURL, apiKey: "nobody", secret: "x")
            #expect(try await stranger.get("/v5/user/query-api", "").retCode == 10003)

            let forger = SignedSession(baseURL: session.baseURL, apiKey: "keel-sim-key", secret: "wrong-secret")
            let forged = try await forger.post("/v5/order/create", #"{"category":"linear"}"#)
            #expect(forged.retCode == 10004 && forged.retMsg.hasPrefix("error sign! origin_string["))
            #expect(!forged.retMsg.contains("keel-sim-secret") && !forged.retMsg.contains("wrong-secret"))

            let stale = try await session.get("/v5/user/query-api", "", at: Timestamp.systemNow().adding(milliseconds: -60_000))
            #expect(stale.retCode == 10002)
            let early = try await session.get("/v5/user/query-api", "", at: Timestamp.systemNow().adding(milliseconds: 30_000))
            #expect(early.retCode == 10002)

            let readOnly = SignedSession(baseURL: session.baseURL, apiKey: "reader", secret: "reader-secret")
            let query = try await readOnly.get("/v5/user/query-api", "")
            #expect(query.retCode == 0 && query.result["readOnly"]?.int == 1)
            let trade = try await readOnly.post("/v5/order/create", #"{"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":"0.001"}"#)
            #expect(trade.retCode == 10005)
        }
    }

    @Test func duplicateOrderLinkIdIsRefused() async throws {
        try await withPrivateSimulator { _, session in
            let body = #"{"category":"linear","symbol":"ETHUSDT","side":"Sell","orderType":"Market","qty":"0.10","orderLinkId":"dup-1"}"#
            #expect(try await session.post("/v5/order/create", body).retCode == 0)
            let second = try await session.post("/v5/order/create", body)
            #expect(second.retCode == 110072 && second.retMsg == "OrderLinkedID is duplicate")
            let malformed = try await session.post("/v5/order/create", #"{"category":"linear","symbol":"ETHUSDT","qty":0.1}"#)
            #expect(malformed.retCode == 10001)
        }
    }

    @Test func perUIDLimitAnswers10006WithRateHeaders() async throws {
        var limits = BybitSimulator.bybitPrivateLimits
        limits["/v5/user/query-api"] = 3
        try await withPrivateSimulator(.init(privateLimitsPerSecond: limits)) { _, session in
            var refused: SignedReply?
            for _ in 0..<30 where refused == nil {
                let reply = try await session.get("/v5/user/query-api", "")
                #expect(reply.headers["X-Bapi-Limit"] == "3")
                if reply.retCode == 10006 { refused = reply }
            }
            let reply = try #require(refused)
            #expect(reply.status == 200 && reply.retMsg == "Too many visits!")
            #expect(reply.headers["X-Bapi-Limit-Status"] == "0")
            let reset = try #require(reply.headers["X-Bapi-Limit-Reset-Timestamp"].flatMap { Int64($0) })
            #expect(reset > (reply.json?["time"]?.int ?? .max) - 1 && reset <= Timestamp.systemNow().milliseconds + 1_000)
            // Other endpoints keep their own window.
            #expect(try await session.get("/v5/account/wallet-balance", "accountType=UNIFIED").retCode == 0)
        }
    }

    @Test func createTimedOutAfterExecutionLeavesExactlyOneOrder() async throws {
        try await withPrivateSimulator { simulator, session in
            simulator.faults.holdNextCreate(for: .seconds(4))
            let body = #"{"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":"0.002","orderLinkId":"held-1"}"#
            await #expect(throws: HTTPTransportError.self) {
                _ = try await session.post("/v5/order/create", body, timeout: .seconds(1))
            }
            let found = try await session.get("/v5/order/realtime", "category=linear&orderLinkId=held-1&symbol=BTCUSDT")
            #expect(found.result["list"]?.array.count == 1)
            #expect(found.result["list"]?[0]?["orderStatus"]?.string == "Filled")
            // Resending the same create cannot place a second order.
            #expect(try await session.post("/v5/order/create", body).retCode == 110072)
            let position = try await session.get("/v5/position/list", "category=linear&symbol=BTCUSDT")
            #expect(position.result["list"]?[0]?["size"]?.string == "0.002")
        }
    }

    @Test func aMarketOrderPublishesExecutionAndOrderEvents() async throws {
        try await withPrivateSimulator { simulator, session in
            let events = simulator.privateStreams.subscribe(apiKey: "keel-sim-key")
            let create = try await session.post("/v5/order/create", #"{"category":"linear","symbol":"SOLUSDT","side":"Buy","orderType":"Market","qty":"1.0","orderLinkId":"ev-1"}"#)
            #expect(create.retCode == 0)
            var topics: [String] = []
            var execution: [String: String] = [:]
            for await event in events {
                topics.append(event.topic)
                if event.topic == "execution" { execution = TradingHarness.flatten(event.data[0]) }
                if event.topic == "wallet" { break }
            }
            #expect(topics == ["execution", "order", "position", "wallet"])
            #expect(execution["orderLinkId"] == "ev-1" && execution["execType"] == "Trade" && execution["category"] == "linear")
            #expect(execution["execId"]?.isEmpty == false && execution["execQty"] == "1.0")
        }
    }

    @Test func privateRequestsAdvanceTheEngineToTheSimulatorsClock() async throws {
        // Just before an 08:00 UTC funding settlement, on a clock that moves only when told.
        let settlement = Timestamp(milliseconds: (Timestamp.systemNow().milliseconds / 28_800_000 + 1) * 28_800_000)
        let clock = ManualClock(settlement.adding(milliseconds: -120_000))
        try await withPrivateSimulator(.init(historyMinutes: 60), clock: SimulatorClock(clock)) { simulator, session in
            let create = try await session.post(
                "/v5/order/create", #"{"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":"1.000"}"#, at: clock.now())
            #expect(create.retCode == 0)
            func walletBalance() async throws -> FixedPoint {
                let reply = try await session.get("/v5/account/wallet-balance", "accountType=UNIFIED", at: clock.now())
                return try FixedPoint(parsing: try #require(reply.result["list"]?[0]?["totalWalletBalance"]?.string))
            }
            let before = try await walletBalance()
            clock.advance(by: .seconds(180))
            let after = try await walletBalance()
            let btc = try Symbol("BTCUSDT")
            let mark = simulator.engine.withLedger { $0.lastTicks(btc, at: settlement) }
            let instrument = try #require(simulator.market.instrument(btc))
            let funding = applying(simulator.market.fundingRate(btc, at: settlement.adding(milliseconds: -1)), to: instrument.value(qty: 1000, ticks: mark))
            #expect(try before - after == FixedPoint(units: funding, scale: USDT.scale))
        }
    }

    @Test func faultsInjectedOverTheAdminRoute() async throws {
        try await withPrivateSimulator { simulator, session in
            let http = CurlHTTPClient()
            let admin = try await http.send(HTTPRequest(
                method: .post, url: session.baseURL + "/sim/faults", body: Array(#"{"refuseNext": 2, "refusal": "403"}"#.utf8)))
            #expect(admin.status == 200)
            let time = HTTPRequest(url: session.baseURL + "/v5/market/time")
            #expect(try await http.send(time).status == 403)
            #expect(try await session.get("/v5/user/query-api", "").status == 403)
            #expect(try await http.send(time).status == 200)

            _ = try await http.send(HTTPRequest(method: .post, url: session.baseURL + "/sim/faults", body: Array(#"{"refuseNext":1,"refusal":"10006"}"#.utf8)))
            let limited = try await session.get("/v5/user/query-api", "")
            #expect(limited.status == 200 && limited.retCode == 10006)
            #expect(try await session.get("/v5/user/query-api", "").retCode == 0)

            _ = try await http.send(HTTPRequest(method: .post, url: session.baseURL + "/sim/faults", body: Array(#"{"latencyMs":50}"#.utf8)))
            #expect(simulator.faults.latency == .milliseconds(50))
            // Latency is a floor on every reply, whatever the machine's load.
            let started = ContinuousClock.now
            #expect(try await http.send(time).status == 200)
            #expect(ContinuousClock.now - started >= .milliseconds(50))
            let bad = try await http.send(HTTPRequest(method: .post, url: session.baseURL + "/sim/faults", body: Array(#"{"refuseNext":1,"refusal":"500"}"#.utf8)))
            #expect(bad.bodyText.contains("\"retCode\":10001"))
        }
    }
}
