import Core

/// Why a signed request was refused, with the retCode Bybit answers it with.
public enum BybitAuthError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No `X-BAPI-API-KEY` header (10003).
    case missingAPIKey
    /// The key is not known (10003).
    case invalidAPIKey(String)
    /// A required header is absent (10001).
    case missingHeader(String)
    /// A header is not a non-negative integer (10001).
    case malformedHeader(name: String, value: String)
    /// `server - recvWindow <= timestamp < server + 1000` does not hold (10002).
    case timestampOutsideWindow(requestTime: Int64, serverTime: Int64, recvWindow: Int64)
    /// The signature does not match the string Bybit signed (10004). `origin` is that string
    /// (timestamp + key + recvWindow + payload); it holds no secret.
    case badSignature(origin: String)

    public var retCode: Int {
        switch self {
        case .missingAPIKey, .invalidAPIKey: return 10003
        case .missingHeader, .malformedHeader: return 10001
        case .timestampOutsideWindow: return 10002
        case .badSignature: return 10004
        }
    }

    /// The `retMsg` Bybit sends for this failure.
    public var retMsg: String {
        switch self {
        case .missingAPIKey, .invalidAPIKey:
            return "API key is invalid."
        case .missingHeader(let name):
            return "missing required header \(name)"
        case .malformedHeader(let name, let value):
            return "invalid header \(name): \(excerpt(of: value, limit: 40))"
        case .timestampOutsideWindow(let request, let server, let window):
            return "invalid request, please check your server timestamp or recv_window param. "
                + "req_timestamp[\(request)],server_timestamp[\(server)],recv_window[\(window)]"
        case .badSignature(let origin):
            return "error sign! origin_string[\(excerpt(of: origin, limit: 200))]"
        }
    }

    public var description: String { "Bybit auth failure \(retCode): \(retMsg)" }
}

/// Checks a signed Bybit V5 REST request the way Bybit does, on the raw bytes received — for
/// the exchange simulator. Never re-serialise a body before verifying it.
public enum BybitSignatureVerifier {
    /// The tolerance for a client clock ahead of the server: `timestamp < server + 1000`.
    public static let futureToleranceMilliseconds: Int64 = 1000

    /// Verifies a request and returns its API key.
    ///
    /// - Parameters:
    ///   - header: looks up a request header by its canonical name (e.g. `X-BAPI-SIGN`); the
    ///     caller matches names case-insensitively, as HTTP requires.
    ///   - payload: the query string (no `?`) of a GET, or the body bytes of a POST, as received.
    ///   - serverTime: the server's clock (UTC ms).
    ///   - secret: the secret of an API key, or nil if the key is unknown.
    ///   - lagAllowance: milliseconds a timestamp may lag `serverTime` beyond the recv window
    ///     (a simulator whose clock runs faster than real time; Bybit allows none).
    /// - Throws: `BybitAuthError`; checks run in order key, headers, timestamp window, signature.
    public static func verify(
        header: (String) -> String?,
        payload: some Sequence<UInt8>,
        serverTime: Int64,
        lagAllowance: Int64 = 0,
        secret: (String) -> Secret?
    ) throws(BybitAuthError) -> String {
        guard let apiKey = header(BybitAuthHeaders.apiKeyName), !apiKey.isEmpty else {
            throw .missingAPIKey
        }
        guard let keySecret = secret(apiKey) else { throw .invalidAPIKey(apiKey) }
        guard let timestampText = header(BybitAuthHeaders.timestampName) else {
            throw .missingHeader(BybitAuthHeaders.timestampName)
        }
        guard let timestamp = Int64(timestampText), timestamp >= 0 else {
            throw .malformedHeader(name: BybitAuthHeaders.timestampName, value: timestampText)
        }
        let recvWindowText = header(BybitAuthHeaders.recvWindowName) ?? String(BybitSigner.defaultRecvWindow)
        guard let recvWindow = Int64(recvWindowText), recvWindow > 0 else {
            throw .malformedHeader(name: BybitAuthHeaders.recvWindowName, value: recvWindowText)
        }
        guard let signature = header(BybitAuthHeaders.signatureName) else {
            throw .missingHeader(BybitAuthHeaders.signatureName)
        }
        guard serverTime - recvWindow - lagAllowance <= timestamp, timestamp < serverTime + futureToleranceMilliseconds else {
            throw .timestampOutsideWindow(requestTime: timestamp, serverTime: serverTime, recvWindow: recvWindow)
        }
        // Sign with the header texts exactly as received.
        var message = Array("\(timestampText)\(apiKey)\(recvWindowText)".utf8)
        message.append(contentsOf: payload)
        let expected = BybitSigner.hmacHex(secret: keySecret, message: message)
        guard constantTimeEqual(Array(expected.utf8), Array(signature.lowercased().utf8)) else {
            throw .badSignature(origin: String(decoding: message, as: UTF8.self))
        }
        return apiKey
    }

    /// Verifies a private WebSocket `auth` request: `signature` must be the HMAC of
    /// `"GET/realtime" + expires`, and `expires` must be later than `serverTime`.
    public static func verifyWebSocketAuth(
        apiKey: String,
        expires: Int64,
        signature: String,
        serverTime: Int64,
        lagAllowance: Int64 = 0,
        secret: (String) -> Secret?
    ) throws(BybitAuthError) {
        guard !apiKey.isEmpty else { throw .missingAPIKey }
        guard let keySecret = secret(apiKey) else { throw .invalidAPIKey(apiKey) }
        guard expires + lagAllowance > serverTime else {
            throw .timestampOutsideWindow(requestTime: expires, serverTime: serverTime, recvWindow: 0)
        }
        let origin = "GET/realtime\(expires)"
        let expected = BybitSigner.hmacHex(secret: keySecret, message: Array(origin.utf8))
        guard constantTimeEqual(Array(expected.utf8), Array(signature.lowercased().utf8)) else {
            throw .badSignature(origin: origin)
        }
    }

    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
