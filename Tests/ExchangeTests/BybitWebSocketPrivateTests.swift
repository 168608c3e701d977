import Core
import Exchange
@testable import ExchangeSimulator
import Testing

/// `BybitPrivateStream` against the simulator over real WebSocket: auth and account events.
@Suite("Bybit private stream against the simulator", .serialized)
struct BybitWebSocketPrivateTests {
    func privateStream(port: Int, secret: String = "keel-sim-secret", serverNow: @escaping @Sendable () -> Timestamp = { .systemNow() }) -> BybitPrivateStream {
        BybitPrivateStream(
            configuration: .init(url: "ws://127.0.0.1:\(port)/v5/private",
                                 backoff: Backoff(initial: .milliseconds(200), maximum: .seconds(1))),
            credentials: BybitCredentials(apiKey: "keel-sim-key", secret: Secret(secret)),
            serverNow: serverNow, logger: streamTestLogger)
    }

    @Test func authenticatesSubscribesAndDecodesAccountEvents() async throws {
        try await withRunningSimulator { simulator, port in
            let stream = privateStream(port: port)
            let (recorder, task) = recording(stream.messages, run: stream.run)
            defer { task.cancel() }
            #expect(await recorder.waitUntil { if case .authenticated = $0 { true } else { false } } != nil)
            // Four topics subscribed in one frame: one acknowledgement.
            let ack = await recorder.wait { message -> BybitOpReply? in if case .reply(let reply) = message, reply.op == "subscribe" { reply } else { nil } }
            #expect(ack?.value.success == true)

            let now = simulator.clock.now()
            func publish(_ topic: String, _ item: SimJSON) {
                simulator.privateStreams.publish(PrivateStreamEvent(apiKey: "keel-sim-key", topic: topic, data: [item], time: now))
            }
            publish("order", .object([
                ("orderId", .string("o-1")), ("orderLinkId", .string("keel-1")), ("symbol", .string("BTCUSDT")),
                ("side", .string("Buy")), ("orderType", .string("Limit")), ("qty", .string("0.010")),
                ("price", .string("60000.00")), ("orderStatus", .string("PartiallyFilled")),
                ("cumExecQty", .string("0.004")), ("avgPrice", .string("60000.00")), ("reduceOnly", .bool(false)),
                ("timeInForce", .string("GTC")), ("createdTime", .string(String(now.milliseconds))),
                ("updatedTime", .string(String(now.milliseconds))),
            ]))
            publish("execution", .object([
                ("execId", .string("e-1")), ("orderId", .string("o-1")), ("symbol", .string("BTCUSDT")),
                ("side", .string("Buy")), ("execPrice", .string("60000.00")), ("execQty", .string("0.004")),
                ("execFee", .string("0.0864")), ("isMaker", .bool(true)), ("execTime", .string(String(now.milliseconds))),
            ]))
            publish("position", .object([
                ("symbol", .string("BTCUSDT")), ("side", .string("Buy")), ("size", .string("0.004")),
                ("entryPrice", .string("60000.00")), ("cumRealisedPnl", .string("-0.0864")), ("leverage", .string("10")),
            ]))
            publish("wallet", .object([
                ("accountType", .string("UNIFIED")), ("totalEquity", .string("9999.9136")),
                ("totalWalletBalance", .string("9999.9136")), ("totalAvailableBalance", .string("9975.9136")),
                ("coin", .array([.object([
                    ("coin", .string("USDT")), ("equity", .string("9999.9136")), ("walletBalance", .string("9999.9136")),
                    ("unrealisedPnl", .string("0")), ("cumRealisedPnl", .string("-0.0864")),
                ])])),
            ]))

            let order = try #require(await recorder.wait { message -> Order? in if case .orders(let orders) = message { orders.first?.order } else { nil } }?.value)
            #expect(order.exchangeOrderID == "o-1" && order.clientOrderID == "keel-1")
            #expect(order.status == .partiallyFilled && order.type == .limit && order.side == .buy)
            #expect(order.quantity == (try Quantity(parsing: "0.01")))
            #expect(order.filledQuantity == (try Quantity(parsing: "0.004")))
            #expect(order.limitPrice == (try Price(parsing: "60000")))

            let fill = try #require(await recorder.wait { message -> Fill? in if case .executions(let fills) = message { fills.first } else { nil } }?.value)
            #expect(fill.id == "e-1" && fill.orderID == "o-1" && fill.isMaker && fill.feeCurrency == "USDT")
            #expect(fill.fee == (try Money(parsing: "0.0864")) && fill.time == now)

            let position = try #require(await recorder.wait { message -> Position? in if case .positions(let positions) = message { positions.first?.position } else { nil } }?.value)
            #expect(position.side == .buy)
            #expect(position.size == (try Quantity(parsing: "0.004")))
            #expect(position.averageEntryPrice == (try Price(parsing: "60000")))

            let wallet = try #require(await recorder.wait { message -> BybitWalletBalance? in if case .wallets(let wallets) = message { wallets.first } else { nil } }?.value)
            #expect(wallet.accountType == "UNIFIED" && wallet.coins.first?.coin == "USDT")
            #expect(wallet.totalAvailableBalance == (try Money(parsing: "9975.9136")))

            // Another account's events are not delivered.
            simulator.privateStreams.publish(PrivateStreamEvent(apiKey: "someone-else", topic: "wallet", data: [], time: now))
            #expect(recorder.all.filter { if case .wallets = $0 { true } else { false } }.count == 1)
        }
    }

    @Test func afterADropTheStreamAuthenticatesAndSubscribesAgain() async throws {
        try await withRunningSimulator { simulator, port in
            let stream = privateStream(port: port)
            let (recorder, task) = recording(stream.messages, run: stream.run)
            defer { task.cancel() }
            #expect(await recorder.waitUntil { if case .reply(let reply) = $0 { reply.op == "subscribe" } else { false } } != nil)
            simulator.dropWebSocketConnections()
            let back = try #require(await recorder.waitUntil { if case .connected(let reconnects) = $0 { reconnects == 1 } else { false } })
            #expect(await recorder.waitUntil(after: back) { if case .authenticated = $0 { true } else { false } } != nil)
            #expect(await recorder.waitUntil(after: back) { if case .reply(let reply) = $0 { reply.op == "subscribe" && reply.success } else { false } } != nil)

            let wallet = SimJSON.object([
                ("accountType", .string("UNIFIED")), ("totalEquity", .string("1")), ("totalWalletBalance", .string("1")),
                ("totalAvailableBalance", .string("1")), ("coin", .array([])),
            ])
            simulator.privateStreams.publish(PrivateStreamEvent(apiKey: "keel-sim-key", topic: "wallet", data: [wallet], time: simulator.clock.now()))
            #expect(await recorder.waitUntil(after: back) { if case .wallets(let wallets) = $0 { wallets.count == 1 } else { false } } != nil)
        }
    }

    @Test func aBadSignatureIsRefusedAndTheConnectionClosed() async throws {
        try await withRunningSimulator { _, port in
            let stream = privateStream(port: port, secret: "wrong-secret")
            let (recorder, task) = recording(stream.messages, run: stream.run)
            defer { task.cancel() }
            let failure = await recorder.wait { message -> String? in if case .authenticationFailed(let reason) = message { reason } else { nil } }
            #expect(failure?.value == "Invalid sign")
            #expect(await recorder.waitUntil(after: failure?.index ?? 0) { if case .disconnected = $0 { true } else { false } } != nil)
            #expect(!recorder.all.contains { if case .authenticated = $0 { true } else { false } })
        }
    }

    @Test func anExpiredSignatureIsRefused() async throws {
        try await withRunningSimulator { _, port in
            // A client clock a minute behind signs an `expires` already in the server's past.
            let stream = privateStream(port: port, serverNow: { Timestamp.systemNow().adding(milliseconds: -60_000) })
            let (recorder, task) = recording(stream.messages, run: stream.run)
            defer { task.cancel() }
            let failure = await recorder.wait { message -> String? in if case .authenticationFailed(let reason) = message { reason } else { nil } }
            #expect(failure?.value.contains("expired") == true)
        }
    }

    @Test func categorisedTopicsAreServedAndCannotBeMixedWithPlainOnes() async throws {
        try await withRunningSimulator { simulator, port in
            let stream = BybitPrivateStream(
                configuration: .init(url: "ws://127.0.0.1:\(port)/v5/private"),
                credentials: BybitCredentials(apiKey: "keel-sim-key", secret: Secret("keel-sim-secret")),
                topics: [], logger: streamTestLogger)
            let (recorder, task) = recording(stream.messages, run: stream.run)
            defer { task.cancel() }
            #expect(await recorder.waitUntil { if case .authenticated = $0 { true } else { false } } != nil)
            stream.connection.send(bybitSubscriptionFrame(op: "subscribe", topics: ["order", "execution.linear"]))
            let mixed = await recorder.wait { message -> BybitOpReply? in if case .reply(let reply) = message { reply } else { nil } }
            #expect(mixed?.value.success == false)
            stream.connection.subscribe(["position.linear"])
            let ack = await recorder.wait(after: (mixed?.index ?? 0) + 1) { message -> BybitOpReply? in if case .reply(let reply) = message { reply } else { nil } }
            #expect(ack?.value.success == true)

            let flat = SimJSON.object([
                ("symbol", .string("ETHUSDT")), ("side", .string("")), ("size", .string("0")),
                ("entryPrice", .string("0")), ("cumRealisedPnl", .string("0")), ("leverage", .string("10")),
            ])
            simulator.privateStreams.publish(PrivateStreamEvent(apiKey: "keel-sim-key", topic: "position", data: [flat], time: simulator.clock.now()))
            let position = try #require(await recorder.wait { message -> Position? in if case .positions(let positions) = message { positions.first?.position } else { nil } }?.value)
            #expect(position.isFlat)
            #expect(position.symbol == (try Symbol("ETHUSDT")))
        }
    }

    @Test func subscribingBeforeAuthIsRefused() async throws {
        try await withRunningSimulator { _, port in
            let (connection, recorder, task) = await connectedRaw(port: port, path: "/v5/private")
            defer { task.cancel() }
            connection.send(#"{"req_id":"s","op":"subscribe","args":["order"]}"#)
            let reply = await reply(recorder, requestID: "s")
            #expect(reply?["success"] as? Bool == false)
        }
    }
}
