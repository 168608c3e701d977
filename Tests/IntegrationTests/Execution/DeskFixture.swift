import Bus
import Core
import Exchange
import ExchangeSimulator
import Execution
import Locks
import Logging
import Store

/// An execution desk against a simulator on loopback, over a scratch PostgreSQL database, the
/// test Redis and the test broker.
struct DeskFixture {
    static let btc = try! Symbol("BTCUSDT")
    static let credentials = BybitCredentials(apiKey: SimulatedAccount.standard.apiKey, secret: SimulatedAccount.standard.secret)
    static let logger = Logger(label: "keel.test.execution")

    let desk: ExecutionDesk
    let client: BybitRESTClient
    let simulator: BybitSimulator
    let pool: PostgresPool
    let ledger: ExecutionLedger

    /// Runs `body` with a fresh desk; `budget` lets a test shorten the 403 cool-down.
    static func with(
        _ prefix: String, settings: (inout ExecutionDesk.Settings) -> Void = { _ in }, budget: RateBudget = RateBudget(),
        _ body: (DeskFixture) async throws -> Void
    ) async throws {
        let simulator = BybitSimulator()
        let port = try await simulator.start(host: "127.0.0.1", port: 0)
        defer { Task { await simulator.stop() } }
        try await withScratchDatabase(prefix) { config in
            let pool = PostgresPool(config: config)
            defer { Task { await pool.close() } }
            _ = try await Migrator().migrate(pool)
            let producer = try KafkaProducer(config: try TestEnvironment.kafka(), logger: logger)
            defer { producer.close() }
            let redis = try await RedisConnection.connect(config: try TestEnvironment.redis(), logger: logger)
            let client = BybitRESTClient(
                configuration: .init(baseURL: "http://127.0.0.1:\(port)", credentials: credentials, maxAttempts: 2), budget: budget)
            _ = try await client.loadInstrumentRules()
            _ = try await client.synchronizeTime()
            var deskSettings = ExecutionDesk.Settings(
                account: prefix, symbols: [btc], lockTTL: .seconds(30), lockWait: .seconds(5), stuckOrderMs: 1000)
            settings(&deskSettings)
            let ledger = ExecutionLedger(pool: pool)
            let desk = ExecutionDesk(
                client: client, ledger: ledger,
                locks: SymbolLocks(connection: redis, keyPrefix: TestEnvironment.uniqueName(prefix), logger: logger),
                producer: producer, venue: .simulator, settings: deskSettings, logger: logger)
            try await body(DeskFixture(desk: desk, client: client, simulator: simulator, pool: pool, ledger: ledger))
        }
    }

    /// A market entry (long, 0.010 BTC) with a stop 5 % below the current price.
    func entry(_ intentID: String, entry: EntryOrder = .market, expiresAt: Timestamp? = nil) async throws -> ApprovedOrder {
        let last = try await client.tickers(symbol: Self.btc).first!.lastPrice
        return try ApprovedOrder(
            intentID: intentID, symbol: Self.btc, side: .buy, kind: .entry, quantity: try Quantity(parsing: "0.010"),
            referencePrice: last, leverage: FixedPoint(integer: 5),
            stopLoss: try last.value.multiplied(by: try FixedPoint(parsing: "0.95"), scale: 1, rounding: .down).price,
            takeProfits: [], reduceOnly: false, entry: entry, expiresAt: expiresAt)
    }

    /// An exit of the whole long.
    func exit(_ intentID: String) async throws -> ApprovedOrder {
        let last = try await client.tickers(symbol: Self.btc).first!.lastPrice
        return try ApprovedOrder(
            intentID: intentID, symbol: Self.btc, side: .buy, kind: .exit, quantity: try Quantity(parsing: "0.010"),
            referencePrice: last, leverage: FixedPoint(integer: 5), stopLoss: nil, takeProfits: [], reduceOnly: true)
    }

    /// The recorded status and reject reason of one order.
    func recorded(_ intentID: String, role: String = "entry") async throws -> (status: String, reason: String)? {
        try await pool.execute(
            "SELECT status, reject_reason FROM exec_orders WHERE intent_id = $1 AND role = $2", [intentID, role]
        ).rows.first.map { (try $0.string(0), try $0.string(1)) }
    }

    func anomalies(_ kind: String) async throws -> [String] {
        try await pool.execute("SELECT detail FROM exec_anomalies WHERE kind = $1 ORDER BY id", [kind]).rows.map { try $0.string(0) }
    }

    func venuePositionSize() async throws -> Quantity {
        try await client.position(symbol: Self.btc)?.size ?? .zero
    }
}

extension FixedPoint {
    var price: Price { Price(self) }
}
