import Core
import Crypto

/// A Bybit API key and its secret. The secret is a `Secret`, so printing the credentials
/// (or an error that holds them) never shows it.
public struct BybitCredentials: Sendable, Hashable, CustomStringConvertible {
    public let apiKey: String
    public let secret: Secret

    public init(apiKey: String, secret: Secret) {
        self.apiKey = apiKey
        self.secret = secret
    }

    public var description: String { "BybitCredentials(apiKey: \(apiKey), secret: \(secret))" }
}

/// The four authentication headers of a signed Bybit V5 REST request.
public struct BybitAuthHeaders: Sendable, Hashable {
    public static let apiKeyName = "X-BAPI-API-KEY"
    public static let timestampName = "X-BAPI-TIMESTAMP"
    public static let signatureName = "X-BAPI-SIGN"
    public static let recvWindowName = "X-BAPI-RECV-WINDOW"

    public let apiKey: String
    /// UTC milliseconds, as sent.
    public let timestamp: String
    /// Lowercase hex HMAC-SHA256.
    public let signature: String
    /// Milliseconds, as sent.
    public let recvWindow: String

    /// The headers as (name, value) pairs, in the order Bybit documents them.
    public var fields: [(name: String, value: String)] {
        [
            (Self.apiKeyName, apiKey),
            (Self.timestampName, timestamp),
            (Self.signatureName, signature),
            (Self.recvWindowName, recvWindow),
        ]
    }
}

/// Signs Bybit V5 requests: HMAC-SHA256, lowercase hex, over
/// `timestamp + apiKey + recvWindow + payload`, where the payload is the exact query string of
/// a GET (no `?`) or the exact body bytes of a POST. Signing never re-serialises anything: the
/// bytes signed must be the bytes sent.
public struct BybitSigner: Sendable {
    public static let defaultRecvWindow: Int64 = 5000

    public let credentials: BybitCredentials
    /// Milliseconds the server accepts a request for after its timestamp.
    public let recvWindow: Int64

    public init(credentials: BybitCredentials, recvWindow: Int64 = BybitSigner.defaultRecvWindow) {
        self.credentials = credentials
        self.recvWindow = recvWindow
    }

    /// The signature of a request sent at `timestamp` (UTC ms) with `payload` (query or body bytes).
    public func signature(timestamp: Int64, payload: some Sequence<UInt8>) -> String {
        var message = Array("\(timestamp)\(credentials.apiKey)\(recvWindow)".utf8)
        message.append(contentsOf: payload)
        return Self.hmacHex(secret: credentials.secret, message: message)
    }

    /// The signature of a request whose payload is text (a query string or a JSON body).
    public func signature(timestamp: Int64, payload: String) -> String {
        signature(timestamp: timestamp, payload: payload.utf8)
    }

    /// The authentication headers for a request sent at `timestamp` with `payload`.
    public func headers(timestamp: Timestamp, payload: some Sequence<UInt8>) -> BybitAuthHeaders {
        BybitAuthHeaders(
            apiKey: credentials.apiKey,
            timestamp: String(timestamp.milliseconds),
            signature: signature(timestamp: timestamp.milliseconds, payload: payload),
            recvWindow: String(recvWindow))
    }

    /// The authentication headers for a request whose payload is text.
    public func headers(timestamp: Timestamp, payload: String) -> BybitAuthHeaders {
        headers(timestamp: timestamp, payload: payload.utf8)
    }

    /// The private WebSocket auth signature: HMAC-SHA256 hex of `"GET/realtime" + expires`,
    /// where `expires` (UTC ms) must be later than the server's clock.
    public func webSocketSignature(expires: Int64) -> String {
        Self.hmacHex(secret: credentials.secret, message: Array("GET/realtime\(expires)".utf8))
    }

    /// The private WebSocket auth frame: `{"op":"auth","args":[apiKey, expires, signature]}`.
    /// `expires` is a JSON integer. The key is escaped for JSON.
    public func webSocketAuthMessage(expires: Int64) -> String {
        "{\"op\":\"auth\",\"args\":[\(jsonString(credentials.apiKey)),\(expires),\"\(webSocketSignature(expires: expires))\"]}"
    }

    /// HMAC-SHA256 of `message` keyed with `secret`, as lowercase hex.
    public static func hmacHex(secret: Secret, message: some Sequence<UInt8>) -> String {
        let key = SymmetricKey(data: Array(secret.value.utf8))
        let code = HMAC<SHA256>.authenticationCode(for: Array(message), using: key)
        return hex(code)
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A JSON string literal for `text` (quotes, backslashes and control characters escaped).
public func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
