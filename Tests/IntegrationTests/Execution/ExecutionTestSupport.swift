import Bus
import Core
import Exchange
import ExchangeSimulator
import Execution
import Foundation
import Locks
import Logging
import Schemas
import Store

/// The seed of a test's random choices: $KEEL_TEST_SEED when set (to replay a run that
/// failed), else a fresh one. Tests print it.
func testSeed() -> UInt64 {
    ProcessInfo.processInfo.environment["KEEL_TEST_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 0...UInt64.max)
}

/// An approved-order script and the venue's and the ledger's views of what came of it, for
/// the execution robustness tests.
enum ExecutionTesting {
    static let logger = Logger(label: "keel.test.execution")
    static let credentials = BybitCredentials(apiKey: SimulatedAccount.standard.apiKey, secret: SimulatedAccount.standard.secret)

    /// Per traded symbol: the smallest quantity worth more than the venue's minimum notional at
    /// the simulator's start price, that price, and stops far enough away never to trigger.
    struct Market: Sendable {
        let symbol: Symbol
        let quantity: Quantity
        let price: Price
        let longStop: Price
        let shortStop: Price
    }

    static let markets: [Market] = [
        ("BTCUSDT", "0.001", "60000", "1000", "1000000"),
        ("ETHUSDT", "0.01", "3000", "100", "100000"),
        ("SOLUSDT", "0.1", "150", "10", "10000"),
        ("XRPUSDT", "10", "1", "0.1", "100"),
        ("DOGEUSDT", "10", "1", "0.1", "100"),
    ].map { symbol, quantity, price, longStop, shortStop in
        Market(
            symbol: try! Symbol(symbol), quantity: try! Quantity(parsing: quantity), price: try! Price(parsing: price),
            longStop: try! Price(parsing: longStop), shortStop: try! Price(parsing: shortStop))
    }

    /// A simulator whose rate limits and history do not slow a test of 1,000 orders down.
    static func simulator() -> BybitSimulator {
        let unlimited = BybitSimulator.bybitPrivateLimits.mapValues { _ in 100_000 }
        return BybitSimulator(configuration: .init(
            historyMinutes: 60, ipLimit: 1_000_000, endpointLimitPerSecond: 100_000, privateLimitsPerSecond: unlimited))
    }

    /// A client of the simulator's account whose own rate budget is as generous as the simulator.
    static func client(port: Int, timeout: Duration = .seconds(10)) -> BybitRESTClient {
        let limits = RateBudget.bybitAccountLimits.mapValues { _ in 100_000 }
        return BybitRESTClient(
            configuration: .init(baseURL: "http://127.0.0.1:\(port)", credentials: credentials),
            http: CurlHTTPClient(configuration: .init(timeout: timeout)),
            budget: RateBudget(configuration: .init(ipLimit: 1_000_000, accountLimits: limits)))
    }

    static func privateStream(port: Int, client: BybitRESTClient) -> BybitPrivateStream {
        BybitPrivateStream(
            url: "ws://127.0.0.1:\(port)/v5/private", credentials: credentials, serverNow: { client.serverNow() }, logger: logger)
    }

    /// `count` approved orders over `markets`, round robin: on each symbol an entry (long or
    /// short at random, 1–3 times the minimum quantity), then its exit, and so on, so positions
    /// open and close. With `count` not a multiple of twice the symbols, some stay open.
    static func script(
        count: Int, markets: [Market] = markets, tag: String, using generator: inout SplitMix64
    ) throws -> [ApprovedOrder] {
        var open: [Symbol: (side: Side, quantity: Quantity)] = [:]
        var orders: [ApprovedOrder] = []
        for index in 0..<count {
            let market = markets[index % markets.count]
            let id = "\(tag)-\(market.symbol)-\(index / markets.count)"
            if let position = open.removeValue(forKey: market.symbol) {
                orders.append(try ApprovedOrder(
                    intentID: id, symbol: market.symbol, side: position.side, kind: .exit, quantity: position.quantity,
                    referencePrice: market.price, leverage: FixedPoint(integer: 1), stopLoss: nil, takeProfits: [],
                    reduceOnly: true))
            } else {
                let side: Side = Bool.random(using: &generator) ? .buy : .sell
                let quantity = Quantity(try market.quantity.value * FixedPoint(integer: Int64.random(in: 1...3, using: &generator)))
                open[market.symbol] = (side, quantity)
                orders.append(try ApprovedOrder(
                    intentID: id, symbol: market.symbol, side: side, kind: .entry, quantity: quantity,
                    referencePrice: market.price, leverage: FixedPoint(integer: 5),
                    stopLoss: side == .buy ? market.longStop : market.shortStop, takeProfits: [], reduceOnly: false))
            }
        }
        return orders
    }

    /// The net position `orders` leave on each symbol when every one of them fills once.
    static func expectedPositions(_ orders: [ApprovedOrder]) throws -> [Symbol: FixedPoint] {
        var net: [Symbol: FixedPoint] = [:]
        for order in orders {
            let direction = (order.kind == .entry) == (order.side == .buy) ? FixedPoint(integer: 1) : FixedPoint(integer: -1)
            net[order.symbol] = try net[order.symbol, default: .zero] + order.quantity.value * direction
        }
        return net
    }

    /// `order` as risk publishes it on `topic`, keyed by its symbol.
    static func message(_ order: ApprovedOrder, topic: String = Topic.riskOrders.rawValue) throws -> OutgoingMessage {
        var approved = Keel_V1_ApprovedOrder()
        approved.orderID = order.intentID
        approved.intentID = order.intentID
        approved.strategy = "execution-robustness"
        approved.symbol = order.symbol.rawValue
        approved.venue = .simulator
        approved.side = Keel_V1_Side(order.side)
        approved.kind = order.kind == .entry ? .entry : .exit
        approved.orderType = .market
        approved.timeInForce = .ioc
        approved.reduceOnly = order.reduceOnly
        approved.qty = Keel_V1_Decimal(order.quantity)
        approved.referencePrice = Keel_V1_Decimal(order.referencePrice)
        approved.leverage = Keel_V1_Decimal(order.leverage)
        if let stop = order.stopLoss { approved.stopLoss = Keel_V1_Decimal(stop) }
        return OutgoingMessage(topic: topic, key: order.symbol.rawValue, value: try approved.serializedBytes())
    }

    /// Creates the topics execution publishes to on the shared test broker.
    static func createExecutionTopics() async throws {
        try await TopicAdmin(config: try TestEnvironment.kafka()).create(
            [Topic.execOrders, .execFills, .execPositions, .accountEquity].map { .init(name: $0.rawValue, partitions: 3) })
    }

    // MARK: - The venue's view

    /// Every order of the account on `symbols` the venue reports, open and closed (up to the
    /// venue's 500 latest closed ones per symbol), over signed REST.
    static func venueOrders(_ client: BybitRESTClient, symbols: [Symbol]) async throws -> [BybitOrderRecord] {
        var all: [BybitOrderRecord] = []
        for symbol in symbols {
            var cursor: String?
            repeat {
                var query = [("category", "linear"), ("symbol", symbol.rawValue), ("openOnly", "1"), ("limit", "50")]
                if let cursor { query.append(("cursor", cursor)) }
                let body = try await client.get("/v5/order/realtime", query: query, signed: true)
                let page = try BybitResponse.decode(BybitOrdersPage.self, from: Data(body)).result
                all.append(contentsOf: page.orders)
                cursor = page.nextPageCursor
            } while cursor != nil
        }
        return all
    }

    /// Every execution of the account on `symbols`.
    static func venueFills(_ client: BybitRESTClient, symbols: [Symbol]) async throws -> [Fill] {
        var all: [Fill] = []
        for symbol in symbols { all += try await client.executions(symbol: symbol) }
        return all
    }

    /// The signed size of each symbol's position at the venue (zero when flat).
    static func venuePositions(_ client: BybitRESTClient, symbols: [Symbol]) async throws -> [Symbol: FixedPoint] {
        var positions: [Symbol: FixedPoint] = [:]
        for symbol in symbols {
            let position = try await client.position(symbol: symbol)
            positions[symbol] = try signed(size: position?.size.value ?? .zero, side: position?.side)
        }
        return positions
    }

    // MARK: - The ledger's view

    struct LedgerOrder: Hashable {
        let clientOrderID: String
        let venueOrderID: String?
        let status: String
    }

    static func ledgerOrders(_ pool: PostgresPool) async throws -> [LedgerOrder] {
        try await pool.execute("SELECT client_order_id, venue_order_id, status FROM exec_orders").rows.map {
            LedgerOrder(clientOrderID: try $0.string(0), venueOrderID: try $0.optionalString(1), status: try $0.string(2))
        }
    }

    struct LedgerFill: Hashable {
        let fillID: String
        let clientOrderID: String
        let quantity: Quantity
    }

    static func ledgerFills(_ pool: PostgresPool) async throws -> [LedgerFill] {
        try await pool.execute("SELECT fill_id, client_order_id, quantity::text FROM exec_fills").rows.map {
            LedgerFill(fillID: try $0.string(0), clientOrderID: try $0.string(1), quantity: try Quantity(parsing: $0.string(2)))
        }
    }

    /// The signed size of each recorded position.
    static func ledgerPositions(_ pool: PostgresPool) async throws -> [Symbol: FixedPoint] {
        var positions: [Symbol: FixedPoint] = [:]
        for row in try await pool.execute("SELECT symbol, side, size::text FROM exec_positions").rows {
            let side = try row.optionalString(1).flatMap(Side.init(rawValue:))
            positions[try Symbol(row.string(0))] = try signed(size: try FixedPoint(parsing: row.string(2)), side: side)
        }
        return positions
    }

    private static func signed(size: FixedPoint, side: Side?) throws -> FixedPoint {
        side == .sell ? try FixedPoint.zero - size : size
    }

    // MARK: - Agreement

    /// What the venue holds and what the ledger recorded, compared: each list empty when they agree.
    struct Agreement: CustomStringConvertible {
        /// orderLinkIds the venue holds more than once, and venue orders Keel did not send.
        var duplicateOrders: [String] = []
        var foreignOrders: [String] = []
        /// Venue orders the ledger does not tie to their venue id, and ledger orders the venue lacks.
        var unrecordedOrders: [String] = []
        var missingAtVenue: [String] = []
        /// Venue fills not recorded, recorded fills the venue does not report, and fills whose
        /// recorded quantity differs or whose order is not tied.
        var unrecordedFills: [String] = []
        var phantomFills: [String] = []
        var wrongFills: [String] = []
        /// Symbols whose recorded position differs from the venue's.
        var positions: [String] = []

        var agrees: Bool { description.isEmpty }

        var description: String {
            [
                ("duplicate orders", duplicateOrders), ("orders Keel did not send", foreignOrders),
                ("venue orders not recorded", unrecordedOrders), ("recorded orders missing at the venue", missingAtVenue),
                ("fills not recorded", unrecordedFills), ("recorded fills the venue lacks", phantomFills),
                ("fills recorded wrongly", wrongFills), ("positions", positions),
            ].filter { !$0.1.isEmpty }.map { "\($0.0) (\($0.1.count)): \($0.1.prefix(8).joined(separator: ", "))" }
                .joined(separator: "; ")
        }
    }

    /// Compares the venue's orders, fills and positions on `symbols` with the ledger's.
    /// `expectedLinks` are the `orderLinkId`s of every approval the venue should hold once.
    static func compare(
        client: BybitRESTClient, pool: PostgresPool, symbols: [Symbol], expectedLinks: Set<String>
    ) async throws -> Agreement {
        var agreement = Agreement()
        let venueOrders = try await venueOrders(client, symbols: symbols)
        let byLink = Dictionary(grouping: venueOrders, by: \.orderLinkID)
        agreement.duplicateOrders = byLink.filter { $0.value.count > 1 }.keys.sorted()
        agreement.foreignOrders = byLink.keys.filter { !expectedLinks.contains($0) }.sorted()
        let ledger = Dictionary(uniqueKeysWithValues: try await ledgerOrders(pool).map { ($0.clientOrderID, $0) })
        agreement.unrecordedOrders = venueOrders.filter { ledger[$0.orderLinkID]?.venueOrderID != $0.orderID }
            .map { "\($0.orderLinkID) (\(ledger[$0.orderLinkID]?.status ?? "absent"))" }.sorted()
        agreement.missingAtVenue = expectedLinks.filter { byLink[$0] == nil }
            .map { "\($0) (\(ledger[$0]?.status ?? "absent"))" }.sorted()

        let venueFills = Dictionary(uniqueKeysWithValues: try await venueFills(client, symbols: symbols).map { ($0.id, $0) })
        let recorded = try await ledgerFills(pool)
        let recordedByID = Dictionary(recorded.map { ($0.fillID, $0) }) { first, _ in first }
        agreement.unrecordedFills = venueFills.keys.filter { recordedByID[$0] == nil }.sorted()
        agreement.phantomFills = recordedByID.keys.filter { venueFills[$0] == nil }.sorted()
        let linkByOrderID = Dictionary(venueOrders.map { ($0.orderID, $0.orderLinkID) }) { first, _ in first }
        agreement.wrongFills = recorded.compactMap { fill in
            guard let venue = venueFills[fill.fillID] else { return nil }
            let quantityAgrees = venue.quantity == fill.quantity
            let tiedToItsOrder = fill.clientOrderID == linkByOrderID[venue.orderID]
            return quantityAgrees && tiedToItsOrder ? nil : "\(fill.fillID) (\(fill.quantity) of '\(fill.clientOrderID)')"
        }.sorted()

        let venuePositions = try await venuePositions(client, symbols: symbols)
        let ledgerPositions = try await ledgerPositions(pool)
        agreement.positions = symbols.filter { (ledgerPositions[$0] ?? .zero) != venuePositions[$0] }
            .map { "\($0): ledger \(ledgerPositions[$0].map { "\($0)" } ?? "none"), venue \(venuePositions[$0] ?? .zero)" }
        return agreement
    }
}
