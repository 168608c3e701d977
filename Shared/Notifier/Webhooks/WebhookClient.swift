import Core
import Exchange
import Foundation

/// Posts notices to webhooks: generic JSON signed with HMAC-SHA256, or the payloads Discord
/// and Slack incoming webhooks take.
public struct WebhookClient: Sendable {
    /// The shapes a webhook takes.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// `{"source":"keel","text":…,"sent_at":ms}`, signed.
        case json
        /// `{"content":…}`.
        case discord
        /// `{"text":…}`.
        case slack
    }

    public struct Webhook: Sendable, Hashable {
        public let name: String
        public let url: String
        public let format: Format
        /// Signs the generic JSON; nil: unsigned.
        public let secret: Secret?

        public init(name: String, url: String, format: Format, secret: Secret?) {
            self.name = name
            self.url = url
            self.format = format
            self.secret = secret
        }
    }

    public static let signatureHeader = "X-Keel-Signature"
    public static let timestampHeader = "X-Keel-Timestamp"

    private let http: CurlHTTPClient
    private let clock: any TradingClock

    public init(http: CurlHTTPClient = CurlHTTPClient(), clock: any TradingClock = LiveClock()) {
        self.http = http
        self.clock = clock
    }

    /// The signature of `body` sent at `timestamp`: `sha256=` + lowercase hex HMAC-SHA256 of
    /// `"<timestamp>.<body>"` with the webhook's secret (the timestamp guards against replays).
    public static func signature(secret: Secret, timestamp: String, body: [UInt8]) -> String {
        "sha256=" + BybitSigner.hmacHex(secret: secret, message: Array((timestamp + ".").utf8) + body)
    }

    /// Posts `text`; 2xx is delivered, 429 waits for `Retry-After`, other 4xx are refused for
    /// good, 5xx and no answer are retried.
    public func send(_ text: String, to webhook: Webhook) async -> DeliveryOutcome {
        let timestamp = String(clock.now().milliseconds)
        let object: [String: Any] = switch webhook.format {
        case .json: ["source": "keel", "text": text, "sent_at": clock.now().milliseconds]
        case .discord: ["content": text]
        case .slack: ["text": text]
        }
        let body = Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
        var headers: HTTPHeaders = ["Content-Type": "application/json", Self.timestampHeader: timestamp]
        if let secret = webhook.secret {
            headers.add(name: Self.signatureHeader, value: Self.signature(secret: secret, timestamp: timestamp, body: body))
        }
        do {
            let response = try await http.send(HTTPRequest(method: .post, url: webhook.url, headers: headers, body: body))
            switch response.status {
            case 200..<300: return .delivered
            case 429: return .retryAfter(seconds: response.headers["Retry-After"].flatMap { Int64($0) } ?? 1)
            case 400..<500: return .refused("webhook \(webhook.name) answered HTTP \(response.status)")
            default: return .failed("webhook \(webhook.name) answered HTTP \(response.status)")
            }
        } catch {
            return .failed("webhook \(webhook.name) unreachable: \(error)")
        }
    }
}
