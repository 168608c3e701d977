import Core
import Hummingbird
import HummingbirdWebSocket
import Logging
import Synchronization

/// A Bybit V5 simulator on loopback: a deterministic market (seeded synthetic regimes per symbol,
/// or one symbol replayed from an OHLCV file; prices on tick) served over HTTP with Bybit's paths, JSON shapes, envelope, error
/// codes, IP rate-limit window (HTTP 403) and `X-Bapi-Limit*` headers.
///
/// Market data: `GET /v5/market/time`, `/instruments-info`, `/kline`, `/tickers`, `/orderbook`.
/// Private (signed) endpoints and fault injection: `BybitSimulator+Private.swift`.
/// Every client on loopback shares one IP window, as they would share one IP at Bybit.
public final class BybitSimulator: Sendable {
    public struct Configuration: Sendable {
        /// Seeds the synthetic market: the same seed gives the same prices.
        public var seed: UInt64
        public var instruments: [SimulatedInstrument]
        /// Minutes of history generated before the clock's time at start-up.
        public var historyMinutes: Int64
        /// Bars replayed for one symbol (the others stay synthetic), its first bar placed
        /// `historyMinutes` (rounded back to a UTC midnight) before start-up.
        public var replay: ReplayTape?
        /// The largest instruments-info page, whatever `limit` asks (Bybit's is 1000).
        public var instrumentsPageSize: Int
        /// IP window: at most `ipLimit` requests per `ipWindow`, else HTTP 403.
        public var ipLimit: Int
        public var ipWindow: Duration
        /// Per-endpoint budget reported in `X-Bapi-Limit*` (rolling 1 s), else retCode 10006.
        public var endpointLimitPerSecond: Int
        /// How often the tick loop runs (the matching engine, WebSocket pushes).
        public var tickInterval: Duration = .milliseconds(MarketBoard.bookStep)
        /// Accounts of the private endpoints and the private WebSocket, by API key.
        public var accounts: [SimulatedAccount]
        /// Fees and margin rates of the matching engine.
        public var trading: TradingParameters
        /// Per-UID limits of the private endpoints by path (rolling 1 s), else retCode 10006.
        public var privateLimitsPerSecond: [String: Int]
        /// Added before every REST reply; `faults.latency` changes it while running.
        public var latency: Duration
        /// Timing hooks for a benchmark harness; none by default.
        public var probe: SimulatorProbe?

        public init(
            seed: UInt64 = 42,
            instruments: [SimulatedInstrument] = SimulatedInstrument.defaults,
            historyMinutes: Int64 = 3 * 1440,
            replay: ReplayTape? = nil,
            instrumentsPageSize: Int = 5,
            ipLimit: Int = 600,
            ipWindow: Duration = .seconds(5),
            endpointLimitPerSecond: Int = 120,
            accounts: [SimulatedAccount] = [.standard],
            trading: TradingParameters = TradingParameters(),
            privateLimitsPerSecond: [String: Int] = BybitSimulator.bybitPrivateLimits,
            latency: Duration = .zero
        ) {
            self.seed = seed
            self.instruments = instruments
            self.historyMinutes = historyMinutes
            self.replay = replay
            self.instrumentsPageSize = instrumentsPageSize
            self.ipLimit = ipLimit
            self.ipWindow = ipWindow
            self.endpointLimitPerSecond = endpointLimitPerSecond
            self.accounts = accounts
            self.trading = trading
            self.privateLimitsPerSecond = privateLimitsPerSecond
            self.latency = latency
        }
    }

    public enum StartError: Error, Sendable, CustomStringConvertible {
        case alreadyRunning
        case didNotBind
        public var description: String {
            switch self {
            case .alreadyRunning: return "the simulator is already running"
            case .didNotBind: return "the simulator stopped before it bound a port"
            }
        }
    }

    struct State: Sendable {
        var ipWindow: RollingWindow
        var endpointWindows: [String: RollingWindow] = [:]
        /// Per-UID windows of the private endpoints, keyed "uid path".
        var uidWindows: [String: RollingWindow] = [:]
        var forbidden = 0
    }

    public let configuration: Configuration
    public let clock: SimulatorClock
    /// Prices, books, trades and funding: what every route and stream reads.
    public let market: MarketBoard
    var instruments: [SimulatedInstrument] { market.instruments }
    /// Account events from the matching engine to the private WebSocket connections.
    let privateStreams = PrivateStreamHub()
    /// Live WebSocket sessions and tick handlers.
    let streams = SimulatorStreams()
    /// Accounts, orders and positions behind the private endpoints.
    public let engine: MatchingEngine
    /// Refusals, held replies and latency injected on demand (also `POST /sim/faults`).
    public let faults: SimulatorFaults
    let state: Mutex<State>
    private let server = Mutex<Task<Void, any Error>?>(nil)
    private let logger: Logger

    public init(configuration: Configuration = Configuration(), clock: SimulatorClock = SimulatorClock(), logger: Logger? = nil) {
        self.configuration = configuration
        self.clock = clock
        self.market = MarketBoard(
            instruments: configuration.instruments, seed: configuration.seed,
            historyMinutes: configuration.historyMinutes, now: clock.now(), replay: configuration.replay)
        self.state = Mutex(State(ipWindow: RollingWindow(limit: configuration.ipLimit, window: configuration.ipWindow)))
        self.faults = SimulatorFaults(latency: configuration.latency)
        let streams = privateStreams
        let faults = self.faults
        self.engine = MatchingEngine(
            market: market, accounts: configuration.accounts, parameters: configuration.trading, start: clock.now(),
            publish: { event in if !faults.isPrivateStreamMuted { streams.publish(event) } })
        // Without a logger of the caller's, the server stays silent: Hummingbird logs a normal
        // `stop()` (task cancellation) at error level. Start-up failures still throw from `start`.
        var quiet = logger ?? Logger(label: "keel.simulator")
        if logger == nil { quiet.logLevel = .critical }
        self.logger = quiet
        // Resting orders, triggers, funding and liquidation move with the market, not only
        // when a private request arrives.
        let engine = self.engine
        onTick { engine.advance(to: $0) }
    }

    /// Requests refused with HTTP 403 so far.
    public var forbiddenCount: Int { state.withLock { $0.forbidden } }

    // MARK: - Serving

    /// Binds `host:port` (port 0 picks a free port), serves in the background and returns the
    /// bound port. `stop()` ends it.
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws -> Int {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = makeApplication(host: host, port: port) { bound in
            continuation.yield(bound)
            continuation.finish()
        }
        let task = Task {
            defer { continuation.finish() }
            try await app.runService(gracefulShutdownSignals: [])
        }
        let installed = server.withLock { current -> Bool in
            guard current == nil else { return false }
            current = task
            return true
        }
        guard installed else {
            task.cancel()
            throw StartError.alreadyRunning
        }
        for await bound in ports { return bound }
        server.withLock { $0 = nil }
        try await task.value
        throw StartError.didNotBind
    }

    /// Stops a server begun with `start` and waits for it to close.
    public func stop() async {
        guard let task = server.withLock({ current -> Task<Void, any Error>? in
            defer { current = nil }
            return current
        }) else { return }
        task.cancel()
        _ = try? await task.value
    }

    /// Serves on `host:port` until the calling task is cancelled (for `keel sim`).
    public func run(host: String = "127.0.0.1", port: Int, onBound: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        try await makeApplication(host: host, port: port, onBound: onBound).runService()
    }

    private func makeApplication(host: String, port: Int, onBound: @escaping @Sendable (Int) -> Void) -> some ApplicationProtocol {
        let router = Router()
        let paths = ["time", "instruments-info", "kline", "tickers", "orderbook"]
        for name in paths {
            let path = "/v5/market/" + name
            router.get(RouterPath(path)) { [self] request, _ -> Response in
                await self.faults.delay()
                if let refusal = self.faults.takeRefusal() { return self.refused(with: refusal) }
                var query: [String: String] = [:]
                for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
                return self.respond(path: path, query: query)
            }
        }
        addFaultRoutes(to: router)
        registerPrivateRoutes(on: router)
        return Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: webSocketRouter, configuration: webSocketChannel),
            configuration: .init(address: .hostname(host, port: port), serverName: "keel-bybit-simulator"),
            services: [tickLoop],
            onServerRunning: { channel in onBound(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    // MARK: - Replies

    /// The reply to `GET path?query`, rate limits applied.
    func respond(path: String, query: [String: String]) -> Response {
        let now = ContinuousClock.now
        let nowMS = clock.now().milliseconds
        let limits = state.withLock { state -> (ip: Bool, endpoint: (admitted: Bool, remaining: Int, resetIn: Duration)) in
            let ip = state.ipWindow.admit(now: now)
            guard ip.admitted else {
                state.forbidden += 1
                return (false, (false, 0, .zero))
            }
            var window = state.endpointWindows[path] ?? RollingWindow(limit: configuration.endpointLimitPerSecond, window: .seconds(1))
            let endpoint = window.admit(now: now)
            state.endpointWindows[path] = window
            return (true, endpoint)
        }
        guard limits.ip else {
            var headers = HTTPFields()
            headers[.contentType] = "text/plain"
            return Response(status: .forbidden, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "access too frequent")))
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.init("X-Bapi-Limit")!] = String(configuration.endpointLimitPerSecond)
        headers[.init("X-Bapi-Limit-Status")!] = String(limits.endpoint.remaining)
        let resetMS = limits.endpoint.resetIn.components.seconds * 1000 + limits.endpoint.resetIn.components.attoseconds / 1_000_000_000_000_000
        headers[.init("X-Bapi-Limit-Reset-Timestamp")!] = String(nowMS + max(resetMS, 1))

        let outcome: Result<SimJSON, SimulatorReject>
        if !limits.endpoint.admitted {
            outcome = .failure(SimulatorReject(code: 10006, message: "Too many visits!"))
        } else {
            outcome = route(path: path, query: query, now: clock.now())
        }
        let body: SimJSON
        switch outcome {
        case .success(let result):
            body = .object([
                ("retCode", .int(0)), ("retMsg", .string("OK")), ("result", result),
                ("retExtInfo", .object([])), ("time", .int(nowMS)),
            ])
        case .failure(let reject):
            body = .object([
                ("retCode", .int(Int64(reject.code))), ("retMsg", .string(reject.message)), ("result", .object([])),
                ("retExtInfo", .object([])), ("time", .int(nowMS)),
            ])
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body.serialized)))
    }

    func route(path: String, query: [String: String], now: Timestamp) -> Result<SimJSON, SimulatorReject> {
        do {
            switch path {
            case "/v5/market/time":
                let seconds = now.milliseconds / 1000
                let nanos = now.milliseconds * 1_000_000
                return .success(.object([("timeSecond", .string(String(seconds))), ("timeNano", .string(String(nanos)))]))
            case "/v5/market/instruments-info": return .success(try instrumentsInfo(query))
            case "/v5/market/kline": return .success(try kline(query, now: now))
            case "/v5/market/tickers": return .success(try tickers(query, now: now))
            case "/v5/market/orderbook": return .success(try orderBook(query, now: now))
            default: return .failure(SimulatorReject(code: 10001, message: "unknown path \(path)"))
            }
        } catch {
            return .failure(error)
        }
    }
}

/// A request the simulator answers with a non-zero retCode.
struct SimulatorReject: Error, Sendable {
    let code: Int
    let message: String

    static func parameter(_ message: String) -> SimulatorReject { SimulatorReject(code: 10001, message: message) }
}
