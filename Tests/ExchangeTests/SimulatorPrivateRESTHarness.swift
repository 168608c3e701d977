import Core
import Exchange
@testable import ExchangeSimulator
import Foundation

/// A JSON reply read loosely, for assertions on Bybit's shapes.
indirect enum ReplyJSON: Decodable, Sendable {
    case string(String)
    case int(Int64)
    case bool(Bool)
    case null
    case array([ReplyJSON])
    case object([String: ReplyJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int64.self) { self = .int(value) }
        else if let value = try? container.decode([ReplyJSON].self) { self = .array(value) }
        else { self = .object(try container.decode([String: ReplyJSON].self)) }
    }

    subscript(key: String) -> ReplyJSON? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    subscript(index: Int) -> ReplyJSON? {
        if case .array(let items) = self, items.indices.contains(index) { return items[index] }
        return nil
    }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var int: Int64? {
        if case .int(let value) = self { return value }
        return nil
    }

    var array: [ReplyJSON] {
        if case .array(let items) = self { return items }
        return []
    }
}

/// One reply of the simulator: HTTP status and headers, and the envelope when it is JSON.
struct SignedReply: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let json: ReplyJSON?

    var retCode: Int64? { json?["retCode"]?.int }
    var retMsg: String { json?["retMsg"]?.string ?? "" }
    var result: ReplyJSON { json?["result"] ?? .null }
}

/// Signed requests to a started simulator, sent with the Exchange module's libcurl client and
/// signed with `BybitSigner` over the exact bytes sent.
struct SignedSession: Sendable {
    let baseURL: String
    let signer: BybitSigner
    let http: CurlHTTPClient

    init(baseURL: String, apiKey: String = "keel-sim-key", secret: String = "keel-sim-secret", http: CurlHTTPClient = CurlHTTPClient()) {
        self.baseURL = baseURL
        self.signer = BybitSigner(credentials: BybitCredentials(apiKey: apiKey, secret: Secret(secret)))
        self.http = http
    }

    func get(_ path: String, _ query: String, at timestamp: Timestamp = .systemNow()) async throws -> SignedReply {
        try await send(HTTPRequest(method: .get, url: baseURL + path + (query.isEmpty ? "" : "?" + query)), payload: Array(query.utf8), at: timestamp)
    }

    func post(_ path: String, _ body: String, at timestamp: Timestamp = .systemNow(), timeout: Duration? = nil) async throws -> SignedReply {
        let bytes = Array(body.utf8)
        return try await send(HTTPRequest(method: .post, url: baseURL + path, body: bytes, timeout: timeout), payload: bytes, at: timestamp)
    }

    func send(_ request: HTTPRequest, payload: [UInt8], at timestamp: Timestamp) async throws -> SignedReply {
        var request = request
        for field in signer.headers(timestamp: timestamp, payload: payload).fields { request.headers.add(name: field.name, value: field.value) }
        if request.method == .post { request.headers.add(name: "Content-Type", value: "application/json") }
        let response = try await http.send(request)
        return SignedReply(status: response.status, headers: response.headers, json: try? JSONDecoder().decode(ReplyJSON.self, from: Data(response.body)))
    }
}

/// Starts a simulator on a free loopback port, runs `body`, and stops it.
func withPrivateSimulator<T>(
    _ configuration: BybitSimulator.Configuration = .init(),
    clock: SimulatorClock = SimulatorClock(),
    _ body: (BybitSimulator, SignedSession) async throws -> T
) async throws -> T {
    try await withRunningSimulator(configuration, clock: clock) { simulator, port in
        try await body(simulator, SignedSession(baseURL: "http://127.0.0.1:\(port)"))
    }
}
