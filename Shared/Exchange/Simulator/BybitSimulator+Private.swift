import Core
import Exchange
import Hummingbird

/// The signed (private) Bybit V5 REST endpoints and the fault-injection admin route.
///
/// Every private request goes: latency, injected refusal, IP window (HTTP 403, shared with the
/// market routes), signature check on the raw bytes received (10003/10004/10002), permission
/// (10005), per-UID window (10006 with `X-Bapi-Limit*`), then the matching engine.
extension BybitSimulator {
    /// Bybit's per-UID limits: requests per rolling second, per endpoint.
    public static let bybitPrivateLimits: [String: Int] = [
        "/v5/order/create": 10, "/v5/order/cancel": 10,
        "/v5/order/realtime": 50, "/v5/execution/list": 50, "/v5/position/list": 50, "/v5/account/wallet-balance": 50,
        "/v5/position/set-leverage": 10, "/v5/position/trading-stop": 10, "/v5/user/query-api": 10,
    ]

    struct PrivateEndpoint: Sendable {
        let path: String
        let isPost: Bool
        /// Needs a read-write key.
        let trades: Bool
    }

    static let privateEndpoints: [PrivateEndpoint] = [
        PrivateEndpoint(path: "/v5/order/create", isPost: true, trades: true),
        PrivateEndpoint(path: "/v5/order/cancel", isPost: true, trades: true),
        PrivateEndpoint(path: "/v5/order/realtime", isPost: false, trades: false),
        PrivateEndpoint(path: "/v5/execution/list", isPost: false, trades: false),
        PrivateEndpoint(path: "/v5/position/list", isPost: false, trades: false),
        PrivateEndpoint(path: "/v5/position/set-leverage", isPost: true, trades: true),
        PrivateEndpoint(path: "/v5/position/trading-stop", isPost: true, trades: true),
        PrivateEndpoint(path: "/v5/account/wallet-balance", isPost: false, trades: false),
        PrivateEndpoint(path: "/v5/user/query-api", isPost: false, trades: false),
    ]

    /// The engine's answer to an authenticated, admitted request.
    func handlePrivate(_ path: String, account: SimulatedAccount, fields: RequestFields, now: Timestamp) throws(SimulatorReject) -> SimJSON {
        let key = account.apiKey
        switch path {
        case "/v5/order/create": return try engine.createOrder(key, fields, at: now)
        case "/v5/order/cancel": return try engine.cancelOrder(key, fields, at: now)
        case "/v5/order/realtime": return try engine.openOrders(key, fields, at: now)
        case "/v5/execution/list": return try engine.executions(key, fields, at: now)
        case "/v5/position/list": return try engine.positions(key, fields, at: now)
        case "/v5/position/set-leverage": return try engine.setLeverage(key, fields, at: now)
        case "/v5/position/trading-stop": return try engine.tradingStop(key, fields, at: now)
        case "/v5/account/wallet-balance": return try engine.walletBalance(key, fields, at: now)
        case "/v5/user/query-api": return engine.queryAPI(account, at: now)
        default: throw .parameter("unknown path \(path)")
        }
    }

    func registerPrivateRoutes(on router: Router<BasicRequestContext>) {
        for endpoint in Self.privateEndpoints {
            router.on(RouterPath(endpoint.path), method: endpoint.isPost ? .post : .get) { [self] request, _ -> Response in
                await self.servePrivate(endpoint, request: request)
            }
        }
        router.post("/sim/faults") { [self] request, _ -> Response in
            var request = request
            let body = (try? await request.collectBody(upTo: 1 << 16)).map { Array($0.readableBytesView) } ?? []
            let outcome = Result { () throws(SimulatorReject) -> SimJSON in try self.configureFaults(RequestFields(json: body)) }
            return Self.envelope(outcome, headers: Self.jsonHeaders(), now: self.clock.now())
        }
    }

    func servePrivate(_ endpoint: PrivateEndpoint, request: Request) async -> Response {
        await faults.delay()
        var request = request
        let payload: [UInt8]
        if endpoint.isPost {
            payload = (try? await request.collectBody(upTo: 1 << 20)).map { Array($0.readableBytesView) } ?? []
        } else {
            payload = Array((request.uri.query ?? "").utf8)
        }
        if let refusal = faults.takeRefusal() { return refused(with: refusal) }
        guard admitFromIP() else { return refused(with: .forbidden) }

        let now = clock.now()
        let headers = request.headers
        let apiKey: String
        do throws(BybitAuthError) {
            apiKey = try BybitSignatureVerifier.verify(
                header: { name in HTTPFields.Element.Name(name).flatMap { headers[$0] } }, payload: payload,
                serverTime: now.milliseconds, lagAllowance: clock.aheadOfRealTime,
                secret: { key in self.simulatedAccount(key)?.secret })
        } catch {
            return Self.envelope(.failure(SimulatorReject(code: error.retCode, message: error.retMsg)), headers: Self.jsonHeaders(), now: now)
        }
        // Verified, so the account exists.
        let account = simulatedAccount(apiKey)!
        if endpoint.trades, account.readOnly {
            let reject = SimulatorReject(code: 10005, message: "Permission denied, please check your API key permissions.")
            return Self.envelope(.failure(reject), headers: Self.jsonHeaders(), now: now)
        }
        let (admitted, replyHeaders) = admitForUID(account.uid, path: endpoint.path, now: now)
        guard admitted else {
            return Self.envelope(.failure(SimulatorReject(code: 10006, message: "Too many visits!")), headers: replyHeaders, now: now)
        }
        let outcome = Result { () throws(SimulatorReject) -> SimJSON in
            let fields = endpoint.isPost ? try RequestFields(json: payload) : RequestFields(query: Self.queryFields(request))
            if endpoint.path == "/v5/order/create", let link = fields["orderLinkId"] { self.configuration.probe?.orderReceived(link) }
            return try self.handlePrivate(endpoint.path, account: account, fields: fields, now: now)
        }
        let response = Self.envelope(outcome, headers: replyHeaders, now: now)
        if endpoint.path == "/v5/order/create", case .success = outcome, let hold = faults.takeCreateHold() {
            try? await Task.sleep(for: hold)
        }
        return response
    }

    func simulatedAccount(_ apiKey: String) -> SimulatedAccount? {
        configuration.accounts.first { $0.apiKey == apiKey }
    }

    static func queryFields(_ request: Request) -> [String: String] {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        return query
    }

    /// One request through the IP window the market routes share; false means HTTP 403.
    func admitFromIP() -> Bool {
        state.withLock { state in
            let admitted = state.ipWindow.admit(now: ContinuousClock.now).admitted
            if !admitted { state.forbidden += 1 }
            return admitted
        }
    }

    /// One request through `uid`'s window for `path`, and the `X-Bapi-Limit*` headers to send.
    func admitForUID(_ uid: Int64, path: String, now: Timestamp) -> (Bool, HTTPFields) {
        let limit = configuration.privateLimitsPerSecond[path] ?? 10
        let result = state.withLock { state in
            let key = "\(uid) \(path)"
            var window = state.uidWindows[key] ?? RollingWindow(limit: limit, window: .seconds(1))
            defer { state.uidWindows[key] = window }
            return window.admit(now: ContinuousClock.now)
        }
        var headers = Self.jsonHeaders()
        headers[.init("X-Bapi-Limit")!] = String(limit)
        headers[.init("X-Bapi-Limit-Status")!] = String(result.remaining)
        let resetMS = result.resetIn.components.seconds * 1000 + result.resetIn.components.attoseconds / 1_000_000_000_000_000
        headers[.init("X-Bapi-Limit-Reset-Timestamp")!] = String(now.milliseconds + max(resetMS, 1))
        return (result.admitted, headers)
    }

    /// An injected refusal: HTTP 403 as the IP limit sends it, or retCode 10006.
    func refused(with refusal: SimulatorFaults.Refusal) -> Response {
        switch refusal {
        case .forbidden:
            state.withLock { $0.forbidden += 1 }
            var headers = HTTPFields()
            headers[.contentType] = "text/plain"
            return Response(status: .forbidden, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "access too frequent")))
        case .rateLimited:
            let now = clock.now()
            var headers = Self.jsonHeaders()
            headers[.init("X-Bapi-Limit")!] = "0"
            headers[.init("X-Bapi-Limit-Status")!] = "0"
            headers[.init("X-Bapi-Limit-Reset-Timestamp")!] = String(now.milliseconds + 1000)
            return Self.envelope(.failure(SimulatorReject(code: 10006, message: "Too many visits!")), headers: headers, now: now)
        }
    }

    static func jsonHeaders() -> HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return headers
    }

    /// Bybit's envelope around a result or a refusal.
    static func envelope(_ outcome: Result<SimJSON, SimulatorReject>, headers: HTTPFields, now: Timestamp) -> Response {
        let (code, message, result): (Int, String, SimJSON)
        switch outcome {
        case .success(let value): (code, message, result) = (0, "OK", value)
        case .failure(let reject): (code, message, result) = (reject.code, reject.message, .object([]))
        }
        let body = SimJSON.object([
            ("retCode", .int(Int64(code))), ("retMsg", .string(message)), ("result", result),
            ("retExtInfo", .object([])), ("time", .int(now.milliseconds)),
        ])
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body.serialized)))
    }

    /// `POST /sim/faults`: `{"refuseNext": n, "refusal": "10006"|"403", "holdNextCreateMs": ms,
    /// "mutePrivateStreamMs": ms, "latencyMs": ms, "clear": true}`, every field optional; replies
    /// with what is pending.
    func configureFaults(_ fields: RequestFields) throws(SimulatorReject) -> SimJSON {
        if try fields.flag("clear") { faults.clear() }
        if let count = try fields.integer("refuseNext", in: 0...1_000_000) {
            let text = fields["refusal"] ?? "10006"
            guard let refusal = SimulatorFaults.Refusal(rawValue: text) else {
                throw .parameter("params error: refusal must be 10006 or 403, got \(text)")
            }
            faults.refuseNext(Int(count), with: refusal)
        }
        if let hold = try fields.integer("holdNextCreateMs", in: 0...3_600_000) {
            faults.holdNextCreate(for: .milliseconds(hold))
        }
        if let mute = try fields.integer("mutePrivateStreamMs", in: 0...3_600_000) {
            faults.mutePrivateStream(for: .milliseconds(mute))
        }
        if let latency = try fields.integer("latencyMs", in: 0...60_000) {
            faults.latency = .milliseconds(latency)
        }
        let latency = faults.latency.components
        return .object([
            ("pendingRefusals", .string(String(faults.pendingRefusals))),
            ("latencyMs", .string(String(latency.seconds * 1000 + latency.attoseconds / 1_000_000_000_000_000))),
        ])
    }
}
