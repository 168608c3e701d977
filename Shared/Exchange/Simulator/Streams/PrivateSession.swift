import Core
import Exchange
import Synchronization

/// One connection to `/v5/private`: authentication, then the account's events for the topics
/// subscribed, as `{"id","topic","creationTime","data":[…]}`.
final class PrivateSession: Sendable {
    private struct State {
        var apiKey: String?
        /// Hub topic → the spelling the client subscribed with.
        var topics: [String: String] = [:]
        var pushes = 0
    }

    let outbox = StreamOutbox()
    /// The account's event stream, once authenticated; the connection's forwarder reads it.
    let authenticated: AsyncStream<AsyncStream<PrivateStreamEvent>>
    private let authenticatedContinuation: AsyncStream<AsyncStream<PrivateStreamEvent>>.Continuation
    private let state = Mutex(State())

    init() {
        (authenticated, authenticatedContinuation) = AsyncStream.makeStream()
    }

    func handle(_ request: StreamRequest, simulator: BybitSimulator, now: Timestamp) {
        let id = outbox.connectionID
        switch request.op {
        case "ping":
            outbox.send(StreamReply.privatePong(connectionID: id, reqID: request.reqID, now: now.milliseconds))
        case "auth":
            authenticate(request, simulator: simulator, now: now)
        case "subscribe", "unsubscribe":
            let topics = request.args.map { ($0, PrivateTopic($0)) }
            let invalid = topics.filter { $0.1 == nil }.map(\.0)
            let message: String? = state.withLock { state in
                guard state.apiKey != nil else { return "Request not authorized" }
                guard invalid.isEmpty, !topics.isEmpty else {
                    return topics.isEmpty ? "args is empty" : "Invalid topic: [\(invalid.joined(separator: ","))]"
                }
                // As at Bybit, `order` and `order.linear` forms cannot be mixed in one request.
                guard Set(topics.compactMap { $0.1.map { $0.text == $0.name } }).count == 1 else {
                    return "Invalid topic: all-in-one and categorised topics cannot be mixed"
                }
                for case let (_, topic?) in topics {
                    state.topics[topic.name] = request.op == "subscribe" ? topic.text : nil
                }
                return nil
            }
            outbox.send(StreamReply.ack(op: request.op, success: message == nil, message: message ?? "", connectionID: id, reqID: request.reqID))
        default:
            outbox.send(StreamReply.ack(op: request.op, success: false, message: "Invalid op: \(request.op)", connectionID: id, reqID: request.reqID))
        }
    }

    /// `{"op":"auth","args":[apiKey, expires, signature]}`: success, or a failure reply and the
    /// connection closed.
    private func authenticate(_ request: StreamRequest, simulator: BybitSimulator, now: Timestamp) {
        let id = outbox.connectionID
        func fail(_ message: String) {
            outbox.send(StreamReply.ack(op: "auth", success: false, message: message, connectionID: id, reqID: request.reqID))
            outbox.close()
        }
        guard request.args.count == 3, let expires = Int64(request.args[1]) else {
            return fail("Params Error: auth needs [apiKey, expires, signature]")
        }
        let apiKey = request.args[0]
        do throws(BybitAuthError) {
            try BybitSignatureVerifier.verifyWebSocketAuth(
                apiKey: apiKey, expires: expires, signature: request.args[2], serverTime: now.milliseconds,
                lagAllowance: simulator.clock.aheadOfRealTime, secret: { simulator.simulatedAccount($0)?.secret })
        } catch {
            switch error {
            case .timestampOutsideWindow: return fail("Params Error: request expired")
            case .badSignature: return fail("Invalid sign")
            default: return fail("Invalid apikey")
            }
        }
        let fresh = state.withLock { state -> Bool in
            guard state.apiKey == nil else { return false }
            state.apiKey = apiKey
            return true
        }
        guard fresh else {
            return outbox.send(StreamReply.ack(op: "auth", success: false, message: "You already authenticated", connectionID: id, reqID: request.reqID))
        }
        // Subscribe to the hub before acknowledging, so nothing published after the ack is lost.
        authenticatedContinuation.yield(simulator.privateStreams.subscribe(apiKey: apiKey))
        authenticatedContinuation.finish()
        outbox.send(StreamReply.ack(op: "auth", success: true, message: "", connectionID: id, reqID: request.reqID))
    }

    /// Forwards the account's events on subscribed topics until the connection ends.
    func forwardEvents() async {
        for await events in authenticated {
            for await event in events {
                let push = state.withLock { state -> SimJSON? in
                    guard let topic = state.topics[event.topic] else { return nil }
                    state.pushes += 1
                    return .object([
                        ("id", .string("\(outbox.connectionID)-\(state.pushes)")), ("topic", .string(topic)),
                        ("creationTime", .int(event.time.milliseconds)), ("data", .array(event.data)),
                    ])
                }
                if let push { outbox.send(push) }
            }
        }
    }
}
