import Core
import Foundation
import Synchronization

/// A Bybit REST failure that is not a retCode or a malformed payload (those throw
/// `BybitError` and `BybitDecodingError`).
public enum BybitClientError: Error, Sendable, CustomStringConvertible {
    /// HTTP 403: the IP went over Bybit's 600-per-5-s window. All requests stop for the
    /// cool-down; nothing is retried.
    case ipRateLimited(RateBudget.Forbidden)
    /// A non-2xx HTTP status that was not retried or ran out of retries.
    case httpStatus(Int, excerpt: String)
    /// No HTTP response at all.
    case transport(HTTPTransportError)
    /// A state-changing request may have executed but no reply says so (timeout, lost
    /// connection, 5xx). It was not resent.
    case outcomeUnknown(String)

    public var description: String {
        switch self {
        case .ipRateLimited(let forbidden): return forbidden.description
        case .httpStatus(let status, let excerpt): return "HTTP \(status): \(excerpt)"
        case .transport(let error): return error.description
        case .outcomeUnknown(let detail): return "outcome unknown, not resent: \(detail)"
        }
    }
}

/// Bybit V5 REST over libcurl: market data, signed requests with the measured server-time
/// offset applied, a shared `RateBudget`, and retries of 10006 / 429 / 5xx with `Backoff`.
public final class BybitRESTClient: Sendable {
    public static let mainnetURL = "https://api.bybit.com"
    public static let testnetURL = "https://api-testnet.bybit.com"

    public struct Configuration: Sendable {
        /// Scheme, host and port, no trailing slash: `https://api.bybit.com` or the simulator's.
        public var baseURL: String
        public var credentials: BybitCredentials?
        public var recvWindow: Int64
        /// Attempts per request, the first included, for 10006 / 429 / 5xx / lost connections.
        public var maxAttempts: Int
        public var backoff: Backoff
        /// How often, and how far apart, a create whose outcome is unknown is looked up by its
        /// `orderLinkId` before it is sent again.
        public var lookupAttempts: Int
        public var lookupInterval: Duration
        /// Called once per event an operator must hear about (an HTTP 403); logs at critical by default.
        public var alert: @Sendable (ExchangeAlert) -> Void

        public init(
            baseURL: String = BybitRESTClient.mainnetURL, credentials: BybitCredentials? = nil,
            recvWindow: Int64 = BybitSigner.defaultRecvWindow, maxAttempts: Int = 5,
            backoff: Backoff = Backoff(initial: .milliseconds(200), maximum: .seconds(5)),
            lookupAttempts: Int = 3, lookupInterval: Duration = .milliseconds(300),
            alert: @escaping @Sendable (ExchangeAlert) -> Void = ExchangeAlert.log
        ) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.credentials = credentials
            self.recvWindow = recvWindow
            self.maxAttempts = max(1, maxAttempts)
            self.backoff = backoff
            self.lookupAttempts = max(1, lookupAttempts)
            self.lookupInterval = lookupInterval
            self.alert = alert
        }
    }

    public let configuration: Configuration
    public let budget: RateBudget
    private let http: CurlHTTPClient
    private let signer: BybitSigner?
    /// Server time minus local time, in milliseconds.
    private let offset = Mutex<Int64>(0)
    /// Instrument rules by symbol, once `loadInstrumentRules()` has run.
    let instrumentRules = Mutex<[Symbol: InstrumentRules]?>(nil)

    public init(configuration: Configuration, http: CurlHTTPClient = CurlHTTPClient(), budget: RateBudget = RateBudget()) {
        self.configuration = configuration
        self.http = http
        self.budget = budget
        self.signer = configuration.credentials.map { BybitSigner(credentials: $0, recvWindow: configuration.recvWindow) }
    }

    /// Server time minus local time, as last measured by `synchronizeTime()` (0 before).
    public var serverTimeOffsetMilliseconds: Int64 { offset.withLock { $0 } }

    /// The server's time now, estimated from the local clock and the measured offset: what
    /// signed requests carry in `X-BAPI-TIMESTAMP`.
    public func serverNow() -> Timestamp {
        Timestamp.systemNow().adding(milliseconds: serverTimeOffsetMilliseconds)
    }

    /// Measures the offset from `/v5/market/time` (midpoint of the round trip) and keeps it.
    @discardableResult
    public func synchronizeTime() async throws -> Int64 {
        let sent = Timestamp.systemNow()
        let time = try await serverTime()
        let received = Timestamp.systemNow()
        let midpoint = sent.milliseconds + (received.milliseconds - sent.milliseconds) / 2
        let measured = time.timestamp.milliseconds - midpoint
        offset.withLock { $0 = measured }
        return measured
    }

    // MARK: - Market data

    public func serverTime() async throws -> BybitServerTime {
        try BybitMarketDecoder.serverTime(from: Data(try await get("/v5/market/time", query: [])))
    }

    /// Every instrument of `category`, following `nextPageCursor` to the last page.
    public func instruments(category: String = "linear", pageLimit: Int = 1000) async throws -> [InstrumentRules] {
        var all: [InstrumentRules] = []
        var cursor: String?
        var seen: Set<String> = []
        repeat {
            var query = [("category", category), ("limit", String(pageLimit))]
            if let cursor { query.append(("cursor", cursor)) }
            let page = try BybitMarketDecoder.instrumentsPage(from: Data(try await get("/v5/market/instruments-info", query: query)))
            all.append(contentsOf: page.instruments)
            cursor = page.nextPageCursor
            if let next = cursor {
                guard seen.insert(next).inserted else {
                    throw BybitDecodingError(.invalidValue("nextPageCursor \(next) repeats"), field: "result.nextPageCursor")
                }
            }
        } while cursor != nil
        return all
    }

    /// Klines oldest first, `isClosed` judged against the server's time.
    public func klines(
        symbol: Symbol, timeframe: Timeframe, start: Timestamp? = nil, end: Timestamp? = nil, limit: Int? = nil
    ) async throws -> [Candle] {
        var query = [("category", "linear"), ("symbol", symbol.rawValue), ("interval", timeframe.bybitInterval)]
        if let start { query.append(("start", String(start.milliseconds))) }
        if let end { query.append(("end", String(end.milliseconds))) }
        if let limit { query.append(("limit", String(limit))) }
        let body = try await get("/v5/market/kline", query: query)
        return try BybitMarketDecoder.candles(from: Data(body), timeframe: timeframe, now: serverNow())
    }

    /// Linear tickers: one symbol, or all when `symbol` is nil.
    public func tickers(symbol: Symbol? = nil) async throws -> [BybitTicker] {
        var query = [("category", "linear")]
        if let symbol { query.append(("symbol", symbol.rawValue)) }
        return try BybitMarketDecoder.tickers(from: Data(try await get("/v5/market/tickers", query: query)))
    }

    public func orderBook(symbol: Symbol, limit: Int = 25) async throws -> BybitOrderBook {
        let query = [("category", "linear"), ("symbol", symbol.rawValue), ("limit", String(limit))]
        return try BybitMarketDecoder.orderBook(from: Data(try await get("/v5/market/orderbook", query: query)))
    }

    // MARK: - Transport

    /// Sends `GET path?query` (signed when `signed`) and returns the body of the first reply that
    /// is HTTP 2xx and not retCode 10006. GETs change nothing, so every transient failure is retried.
    public func get(_ path: String, query: [(String, String)], signed: Bool = false) async throws -> [UInt8] {
        let queryString = query.map { "\(percentEncoded($0.0))=\(percentEncoded($0.1))" }.joined(separator: "&")
        let url = configuration.baseURL + path + (queryString.isEmpty ? "" : "?" + queryString)
        return try await send(
            HTTPRequest(method: .get, url: url), path: path, signedPayload: signed ? Array(queryString.utf8) : nil,
            changesState: false)
    }

    /// Sends a signed `POST path` with `body` and returns the body of the first successful reply.
    /// A POST that may have reached Bybit without a reply (a timeout, a lost connection, a 5xx)
    /// is not resent here: it throws `BybitClientError.outcomeUnknown`, and the caller finds out
    /// what happened (an order create looks its `orderLinkId` up) before sending anything again.
    public func post(_ path: String, body: BybitRequestBody) async throws -> [UInt8] {
        var request = HTTPRequest(method: .post, url: configuration.baseURL + path, body: body.bytes)
        request.headers.add(name: "Content-Type", value: "application/json")
        return try await send(request, path: path, signedPayload: request.body, changesState: true)
    }

    /// The retry loop shared by GET and POST: the budget, signing, 403 / 429 / 5xx / 10006
    /// handling. Retries a state-changing request only when it surely did not execute.
    private func send(_ template: HTTPRequest, path: String, signedPayload: [UInt8]?, changesState: Bool) async throws -> [UInt8] {
        let account = signedPayload == nil ? nil : configuration.credentials?.apiKey
        var failures = 0
        while true {
            do {
                try await budget.acquire(endpoint: path, account: account)
            } catch let forbidden as RateBudget.Forbidden {
                throw BybitClientError.ipRateLimited(forbidden)
            }
            var request = template
            if let signedPayload {
                guard let signer else { throw BybitError.invalidAPIKey("no credentials configured for a signed request") }
                for field in signer.headers(timestamp: serverNow(), payload: signedPayload).fields {
                    request.headers.add(name: field.name, value: field.value)
                }
            }
            let response: HTTPResponse
            do {
                response = try await http.send(request)
            } catch {
                await budget.release(endpoint: path, account: account)
                if changesState && error.mayHaveExecuted { throw BybitClientError.outcomeUnknown(error.description) }
                failures += 1
                let retryable = error.kind == .connectionLost || error.kind == .timeout || error.kind == .connectionRefused
                guard retryable, failures < configuration.maxAttempts else { throw BybitClientError.transport(error) }
                try await Task.sleep(for: configuration.backoff.delay(afterFailures: failures))
                continue
            }
            let (remaining, resetIn) = limitHeaders(response.headers)
            await budget.release(endpoint: path, account: account, remaining: remaining, resetIn: resetIn)

            if response.status == 403 {
                if await budget.markForbidden() {
                    configuration.alert(.ipRateLimited(coolDown: budget.configuration.forbiddenCoolDown, request: request.description))
                }
                throw BybitClientError.ipRateLimited(RateBudget.Forbidden(remaining: budget.configuration.forbiddenCoolDown))
            }
            if response.status >= 500 && changesState {
                throw BybitClientError.outcomeUnknown("HTTP \(response.status) from \(request.description)")
            }
            if response.status == 429 || response.status >= 500 {
                failures += 1
                guard failures < configuration.maxAttempts else {
                    throw BybitClientError.httpStatus(response.status, excerpt: String(response.bodyText.prefix(200)))
                }
                try await Task.sleep(for: configuration.backoff.delay(afterFailures: failures))
                continue
            }
            guard response.isSuccess else {
                throw BybitClientError.httpStatus(response.status, excerpt: String(response.bodyText.prefix(200)))
            }
            if isRateLimitedReply(response.body) {
                failures += 1
                guard failures < configuration.maxAttempts else {
                    throw BybitError.rateLimited("Too many visits! (gave up after \(failures) attempts)")
                }
                let wait = max(resetIn ?? .zero, configuration.backoff.delay(afterFailures: failures))
                await budget.block(endpoint: path, account: account, for: wait)
                continue
            }
            return response.body
        }
    }

    /// `X-Bapi-Limit-Status` and the delay until `X-Bapi-Limit-Reset-Timestamp`, when sent.
    private func limitHeaders(_ headers: HTTPHeaders) -> (Int?, Duration?) {
        let remaining = headers["X-Bapi-Limit-Status"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let reset = headers["X-Bapi-Limit-Reset-Timestamp"].flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
        let resetIn = reset.map { Duration.milliseconds(max(0, $0 - serverNow().milliseconds)) }
        return (remaining, resetIn)
    }

    private func isRateLimitedReply(_ body: [UInt8]) -> Bool {
        do {
            try BybitResponse.check(Data(body))
        } catch let error as BybitError {
            if case .rateLimited = error { return true }
        } catch {}
        return false
    }
}

/// RFC 3986 percent-encoding: everything but unreserved characters.
func percentEncoded(_ text: String) -> String {
    var out = ""
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            out.unicodeScalars.append(Unicode.Scalar(byte))
        default:
            let hex = String(byte, radix: 16, uppercase: true)
            out += "%" + (hex.count == 1 ? "0" : "") + hex
        }
    }
    return out
}
