import Foundation
import Hummingbird
import Synchronization

/// A local stand-in for the Telegram Bot API, speaking its `sendMessage` and `getUpdates`
/// JSON: it records what it is sent, can answer 429 with `retry_after` or be down, and hands
/// out the updates a test queues.
final class TelegramStandIn: Sendable {
    struct Sent: Sendable, Hashable {
        let chatID: String
        let text: String
    }

    struct State: Sendable {
        var sent: [Sent] = []
        var rateLimited = 0
        var retryAfter = 1
        var down = false
        var updates: [(id: Int64, chatID: Int64, text: String)] = []
        var nextUpdateID: Int64 = 100
    }

    static let token = "123456:test-token"
    let state = Mutex(State())
    private let server = LocalHTTPServer()

    var sent: [Sent] { state.withLock { $0.sent } }

    /// Queues a message from `chatID` for the bot; returns its update id.
    @discardableResult
    func receive(_ text: String, from chatID: Int64) -> Int64 {
        state.withLock { state in
            state.nextUpdateID += 1
            state.updates.append((state.nextUpdateID, chatID, text))
            return state.nextUpdateID
        }
    }

    /// Starts on a free loopback port; returns the base URL.
    func start() async throws -> String {
        let router = Router()
        router.post("/bot\(Self.token)/sendMessage") { [self] request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let object = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] ?? [:]
            return state.withLock { state in
                if state.down { return Self.json(502, ["ok": false, "error_code": 502, "description": "Bad Gateway"]) }
                if state.rateLimited > 0 {
                    state.rateLimited -= 1
                    return Self.json(429, [
                        "ok": false, "error_code": 429, "description": "Too Many Requests: retry after \(state.retryAfter)",
                        "parameters": ["retry_after": state.retryAfter],
                    ])
                }
                guard let chat = object["chat_id"] as? String, let text = object["text"] as? String else {
                    return Self.json(400, ["ok": false, "error_code": 400, "description": "Bad Request: chat_id and text are required"])
                }
                state.sent.append(Sent(chatID: chat, text: text))
                return Self.json(200, ["ok": true, "result": ["message_id": state.sent.count]])
            }
        }
        router.get("/bot\(Self.token)/getUpdates") { [self] request, _ -> Response in
            let offset = request.uri.queryParameters["offset"].flatMap { Int64(String($0)) } ?? 0
            let updates = state.withLock { state in state.updates.filter { $0.id >= offset } }
            return Self.json(200, ["ok": true, "result": updates.map { update in
                ["update_id": update.id, "message": ["message_id": update.id, "chat": ["id": update.chatID, "type": "private"], "text": update.text]]
            }])
        }
        return try await server.start(router)
    }

    func stop() async {
        await server.stop()
    }

    static func json(_ status: Int, _ object: [String: Any]) -> Response {
        let data = try! JSONSerialization.data(withJSONObject: object)
        return Response(
            status: .init(code: status), headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
