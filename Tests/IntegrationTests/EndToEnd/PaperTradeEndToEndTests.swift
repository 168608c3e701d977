import Bus
import Core
import Exchange
import Execution
import Foundation
import LocalStack
import Logging
import Runtime
import Schemas
import Store
import Testing

/// One paper trade through every service, as separate processes over a real broker, PostgreSQL,
/// Redis and the exchange simulator. One stack serves five stages that build on each other:
/// (a) a scripted market makes the strategy fire: one order, one fill, one position in
///     PostgreSQL and on the venue, and the API shows them;
/// (b) the same intent published twice more still yields that one order;
/// (c) a second entry on the open symbol is rejected with its reason, and nothing reaches the venue;
/// (d) execution is killed (SIGKILL) after sending the closing order and before recording its
///     fill; restarted, it records the fill once and its position matches the venue's;
/// (e) with the broker killed, every service still stops promptly on SIGTERM.
@Suite("End to end: a paper trade", .serialized)
struct PaperTradeEndToEndTests {
    static let symbol = try! Symbol("BTCUSDT")

    /// `ScriptedMarket.crossingUpOnBar90`: a long on bar 90 with stop 28 375 and target 29 050.
    /// From bar 91 the market stands at 28 700, between them, so the position stays open.
    static let marketCSV: String = {
        var market = ScriptedMarket.crossingUpOnBar90
        market.moving(through: [28_700])
        market.standing(600, at: 28_700)
        return market.csv
    }()
    static let decidingBarOpen = ScriptedMarket.minute(90)

    @Test func aPaperTradeEndToEnd() async throws {
        // Play starts at bar 86, three market minutes per real minute: the deciding bar closes
        // 100 s after the simulator starts, with the stack long up.
        try await TradingStack.run(
            market: .init(csv: Self.marketCSV, start: "2026-01-05T01:26:00Z", speed: 3), symbols: [Self.symbol.rawValue], run)
    }

    func run(_ stack: TradingStack) async throws {
        let pool = PostgresPool(config: stack.stack.config.postgres)
        defer { Task { await pool.close() } }
        let venue = BybitVenue(stack.stack.config.exchange).rest
        _ = try await venue.synchronizeTime()
        let producer = try KafkaProducer(config: stack.stack.config.kafka, logger: Logger(label: "keel.test.e2e"))
        defer { producer.close() }

        // (a) The strategy fires on the deciding bar; the order goes through risk and execution.
        let intentID = Intent.deriveID(
            strategy: "macd_rsi", symbol: Self.symbol, timeframe: .m1, candleTime: Self.decidingBarOpen, kind: .entry, side: .buy)
        let linkID = try VenueOrder.orderLinkID(intentID: intentID)
        try await BusTesting.waitUntil("the entry's fill recorded", timeout: .seconds(420)) {
            try await Self.count(pool, "exec_fills WHERE client_order_id = $1", [linkID]) > 0
        }
        try await BusTesting.waitUntil("the position recorded", timeout: .seconds(30)) {
            try await Self.count(pool, "exec_positions WHERE symbol = 'BTCUSDT' AND size > 0") == 1
        }
        let venueOrder = try #require(try await venue.order(symbol: Self.symbol, orderLinkID: linkID))
        let venuePosition = try #require(try await venue.position(symbol: Self.symbol))
        #expect(try await Self.count(pool, "exec_orders WHERE role = 'entry'") == 1, "one order")
        // A market order this size takes several book levels: one execution each, every one
        // recorded once, together the whole order.
        let venueFills = try await venue.executions(symbol: Self.symbol, orderID: venueOrder.orderID)
        #expect(try await Self.fillIDs(pool, linkID) == Set(venueFills.map(\.id)) && !venueFills.isEmpty)
        #expect(try await Self.count(pool, "exec_fills") == Int64(venueFills.count), "no other fill")
        #expect(try await pool.execute("SELECT sum(quantity)::text FROM exec_fills").single().string(0) == venueOrder.quantity.description)
        #expect(venuePosition.side == .buy && venuePosition.size == venueOrder.quantity)
        let recorded = try await pool.execute("SELECT size::text, side FROM exec_positions WHERE symbol = 'BTCUSDT'").single()
        #expect(try recorded.string(0) == venuePosition.size.description && recorded.string(1) == "buy")
        let positions = try await stack.api("/api/positions")
        #expect(positions.count == 1 && positions.first?["size"] as? String == venuePosition.size.description)
        #expect(try await stack.api("/api/orders").compactMap { $0["client_order_id"] as? String }.contains(linkID))
        #expect(try await stack.api("/api/fills").count == venueFills.count)
        let decision = try #require(try await stack.api("/api/decisions").first { $0["intent_id"] as? String == intentID })
        #expect(decision["approved"] as? Bool == true)
        // `keel status` sees the five services ready and the trade.
        let services = LocalStack.services.map { "--service=\($0)=http://127.0.0.1:\(stack.stack.httpPorts[$0]!)" }
        let status = try await KeelProcess.run("keel", ["status", "--config", stack.stack.configFile.path] + services, standardOutput: true)
        #expect(status.status == 0)
        #expect(status.standardOutput.components(separatedBy: " ready ").count - 1 == 5, "\(status.standardOutput)")
        #expect(status.standardOutput.contains(linkID), "\(status.standardOutput)")

        // (b) The same intent, published twice more: risk answers with its recorded decision,
        // execution finds the order it placed; the venue still has one order and one position.
        let intent = try #require(try await Self.recordedIntent(pool, intentID))
        for _ in 0..<2 {
            _ = try await producer.send(OutgoingMessage(
                topic: Topic.signalsIntents.rawValue, key: Self.symbol.rawValue, value: try Keel_V1_Intent(intent).serializedBytes()))
        }
        try await BusTesting.waitUntil("risk and execution to take both", timeout: .seconds(60)) {
            let risk = try await Self.lag(stack, .risk)
            let execution = try await Self.lag(stack, .execution)
            return risk == 0 && execution == 0
        }
        try await Task.sleep(for: .seconds(2))
        #expect(try await Self.count(pool, "exec_orders") == 1, "no second order recorded")
        #expect(try await venue.position(symbol: Self.symbol)?.size == venuePosition.size, "no second order on the venue")

        // (c) A second entry on the open symbol is refused, with its reason; no order reaches the venue.
        let second = try Intent(
            id: "e2e-second-entry", strategy: "macd_rsi", symbol: Self.symbol, side: .buy, kind: .entry,
            referencePrice: Price(parsing: "28700"), stopLoss: Price(parsing: "28400"), takeProfits: [.whole(at: Price(parsing: "29300"))],
            timeframe: .m1, candleTime: Self.decidingBarOpen.adding(milliseconds: 120_000),
            createdAt: Self.decidingBarOpen.adding(milliseconds: 180_000))
        _ = try await producer.send(OutgoingMessage(
            topic: Topic.signalsIntents.rawValue, key: Self.symbol.rawValue, value: try Keel_V1_Intent(second).serializedBytes()))
        try await BusTesting.waitUntil("the rejection recorded", timeout: .seconds(60)) {
            try await Self.count(pool, "risk_decisions WHERE intent_id = $1", [second.id]) == 1
        }
        let rejection = try await pool.execute(
            "SELECT approved, reason FROM risk_decisions WHERE intent_id = $1", [second.id]).single()
        #expect(try rejection.string(0) == "f" && rejection.optionalString(1) == "position_exists")
        let shown = try #require(try await stack.api("/api/decisions").first { $0["intent_id"] as? String == second.id })
        #expect(shown["reason"] as? String == "position_exists")
        try await Task.sleep(for: .seconds(2))
        #expect(try await venue.order(symbol: Self.symbol, orderLinkID: try VenueOrder.orderLinkID(intentID: second.id)) == nil)
        #expect(try await Self.count(pool, "exec_orders") == 1)

        // (d) The exit order is sent, the venue fills it, but its reply and the private stream are
        // held: execution knows nothing of the fill when it is killed. Restarted, it reconciles.
        try await stack.simulatorFaults(["holdNextCreateMs": 120_000, "mutePrivateStreamMs": 120_000])
        let exit = try Intent(
            id: "e2e-exit", strategy: "macd_rsi", symbol: Self.symbol, side: .buy, kind: .exit,
            referencePrice: Price(parsing: "28700"), stopLoss: nil, takeProfits: [],
            timeframe: .m1, candleTime: Self.decidingBarOpen.adding(milliseconds: 180_000),
            createdAt: Self.decidingBarOpen.adding(milliseconds: 240_000))
        let exitLink = try VenueOrder.orderLinkID(intentID: exit.id)
        _ = try await producer.send(OutgoingMessage(
            topic: Topic.signalsIntents.rawValue, key: Self.symbol.rawValue, value: try Keel_V1_Intent(exit).serializedBytes()))
        try await BusTesting.waitUntil("the exit filled on the venue", timeout: .seconds(60)) {
            try await venue.order(symbol: Self.symbol, orderLinkID: exitLink)?.status == .filled
        }
        await stack.stack.kill("execution")
        #expect(try await Self.count(pool, "exec_fills WHERE client_order_id = $1", [exitLink]) == 0, "killed before recording the fill")

        try stack.stack.launch("execution")
        try await stack.stack.waitUntilReady("execution")
        try await BusTesting.waitUntil("the exit's fill recorded after the restart", timeout: .seconds(60)) {
            try await Self.count(pool, "exec_fills WHERE client_order_id = $1", [exitLink]) > 0
        }
        try await BusTesting.waitUntil("the position recorded flat", timeout: .seconds(30)) {
            try await Self.count(pool, "exec_positions WHERE symbol = 'BTCUSDT' AND size = 0") == 1
        }
        try await Task.sleep(for: .seconds(2))
        let exitOrder = try #require(try await venue.order(symbol: Self.symbol, orderLinkID: exitLink))
        let exitFills = try await venue.executions(symbol: Self.symbol, orderID: exitOrder.orderID)
        #expect(try await Self.fillIDs(pool, exitLink) == Set(exitFills.map(\.id)), "each fill recorded once")
        #expect(try await Self.count(pool, "exec_orders WHERE client_order_id = $1", [exitLink]) == 1)
        #expect(try await venue.position(symbol: Self.symbol).map(\.size.isZero) ?? true, "the venue is flat too")

        // (e) With the broker gone, records still waiting for it must not hold a service up:
        // each stops on SIGTERM within its flush timeout.
        await stack.stack.kill("broker")
        try await Task.sleep(for: .seconds(3))
        for name in LocalStack.services {
            let started = ContinuousClock.now
            #expect(await stack.stack.terminate(name, within: .seconds(30)), "keel-\(name) stops on SIGTERM with the broker gone")
            print("[e2e] keel-\(name) stopped \(ContinuousClock.now - started) after SIGTERM, the broker gone")
        }
    }

    static func count(_ pool: PostgresPool, _ fromWhere: String, _ parameters: [PostgresValue?] = []) async throws -> Int64 {
        try await pool.execute("SELECT count(*) FROM \(fromWhere)", parameters).single().int64(0)
    }

    static func fillIDs(_ pool: PostgresPool, _ clientOrderID: String) async throws -> Set<String> {
        Set(try await pool.execute("SELECT fill_id FROM exec_fills WHERE client_order_id = $1", [clientOrderID]).rows.map { try $0.string(0) })
    }

    static func recordedIntent(_ pool: PostgresPool, _ id: String) async throws -> Intent? {
        let row = try await pool.execute("SELECT intent::text FROM risk_decisions WHERE intent_id = $1", [id]).first
        return try row.map { try JSONDecoder().decode(Intent.self, from: Data(try $0.string(0).utf8)) }
    }

    static func lag(_ stack: TradingStack, _ group: ConsumerGroup) async throws -> Int64 {
        try await ConsumerLag.measure(config: stack.stack.config.kafka, group: group.name, topics: group.topicNames)
            .reduce(0) { $0 + $1.lag }
    }
}
