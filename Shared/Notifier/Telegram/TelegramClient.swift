import Core
import Exchange
import Foundation

/// The Telegram Bot API over libcurl: `sendMessage` and `getUpdates`. The base URL is
/// configurable, so tests point it at a local stand-in that speaks the same JSON. The bot
/// token is part of every URL and never appears in an error or a log line.
public struct TelegramClient: Sendable {
    public static let officialURL = "https://api.telegram.org"

    public let baseURL: String
    private let token: Secret
    private let http: CurlHTTPClient

    public init(baseURL: String = TelegramClient.officialURL, token: Secret, http: CurlHTTPClient = CurlHTTPClient()) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.http = http
    }

    /// One incoming message of `getUpdates`.
    public struct Update: Sendable, Hashable {
        public let updateID: Int64
        public let chatID: Int64
        public let text: String
    }

    /// Sends `text` to `chatID`; what came of it (never throws: a failure is an outcome).
    public func send(_ text: String, to chatID: String) async -> DeliveryOutcome {
        let body = try! JSONSerialization.data(withJSONObject: ["chat_id": chatID, "text": text, "disable_web_page_preview": true])
        do {
            let response = try await http.send(HTTPRequest(
                method: .post, url: url("sendMessage"), headers: ["Content-Type": "application/json"], body: Array(body)))
            return Self.outcome(status: response.status, body: response.body)
        } catch {
            return .failed("Telegram unreachable: \(error.description.replacingOccurrences(of: token.value, with: "<token>"))")
        }
    }

    /// Messages sent to the bot after `offset` (long polling for up to `timeoutSeconds`).
    public func updates(after offset: Int64?, timeoutSeconds: Int = 0) async throws -> [Update] {
        var query = "?timeout=\(timeoutSeconds)"
        if let offset { query += "&offset=\(offset + 1)" }
        let response = try await http.send(HTTPRequest(
            url: url("getUpdates") + query, timeout: .seconds(Int64(timeoutSeconds) + 10)))
        guard response.status == 200,
              let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
              object["ok"] as? Bool == true, let results = object["result"] as? [[String: Any]]
        else { throw TelegramError(description: "getUpdates answered HTTP \(response.status)") }
        return results.compactMap { result in
            guard let id = (result["update_id"] as? NSNumber)?.int64Value, let message = result["message"] as? [String: Any],
                  let chat = message["chat"] as? [String: Any], let chatID = (chat["id"] as? NSNumber)?.int64Value
            else { return nil }
            return Update(updateID: id, chatID: chatID, text: message["text"] as? String ?? "")
        }
    }

    private func url(_ method: String) -> String { "\(baseURL)/bot\(token.value)/\(method)" }

    /// Telegram answers `{"ok":false,"error_code":429,"parameters":{"retry_after":N}}` when it
    /// wants a wait; 4xx otherwise is a refusal (a wrong chat, a blocked bot); 5xx is a failure.
    static func outcome(status: Int, body: [UInt8]) -> DeliveryOutcome {
        let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        if status == 200, object?["ok"] as? Bool == true { return .delivered }
        let description = object?["description"] as? String ?? "HTTP \(status)"
        if status == 429 {
            let parameters = object?["parameters"] as? [String: Any]
            return .retryAfter(seconds: (parameters?["retry_after"] as? NSNumber)?.int64Value ?? 1)
        }
        return (400..<500).contains(status) ? .refused(description) : .failed(description)
    }
}

public struct TelegramError: Error, CustomStringConvertible {
    public let description: String
}
