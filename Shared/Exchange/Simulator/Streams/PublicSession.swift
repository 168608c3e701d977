import Core
import Synchronization

/// One connection to `/v5/public/linear`: its subscriptions and what each has been sent.
final class PublicSession: Sendable {
    let outbox = StreamOutbox()
    private let feeds = Mutex<[String: any TopicFeed]>([:])

    /// Answers one client frame. Replies and first pushes are queued under the lock, so a tick
    /// running at the same time cannot slip a delta in before the snapshot.
    func handle(_ request: StreamRequest, simulator: BybitSimulator, now: Timestamp) {
        let id = outbox.connectionID
        switch request.op {
        case "ping":
            outbox.send(StreamReply.ack(op: "ping", success: true, message: "pong", connectionID: id, reqID: request.reqID))
        case "subscribe":
            let topics = request.args.map { ($0, PublicTopic($0, market: simulator.market)) }
            let invalid = topics.filter { $0.1 == nil }.map(\.0)
            guard invalid.isEmpty, !topics.isEmpty else {
                let message = topics.isEmpty ? "args is empty" : "Invalid topic: [\(invalid.joined(separator: ","))]"
                outbox.send(StreamReply.ack(op: "subscribe", success: false, message: message, connectionID: id, reqID: request.reqID))
                return
            }
            feeds.withLock { feeds in
                outbox.send(StreamReply.ack(op: "subscribe", success: true, message: "", connectionID: id, reqID: request.reqID))
                for case let (text, topic?) in topics where feeds[text] == nil {
                    var feed = topic.makeFeed(simulator)
                    for message in feed.initial(simulator, now: now) { outbox.send(message) }
                    feeds[text] = feed
                }
            }
        case "unsubscribe":
            feeds.withLock { feeds in
                for topic in request.args { feeds[topic] = nil }
                outbox.send(StreamReply.ack(op: "unsubscribe", success: true, message: "", connectionID: id, reqID: request.reqID))
            }
        default:
            outbox.send(StreamReply.ack(op: request.op, success: false, message: "Invalid op: \(request.op)", connectionID: id, reqID: request.reqID))
        }
    }

    /// Pushes what every subscription has due at `now`.
    func tick(simulator: BybitSimulator, now: Timestamp) {
        feeds.withLock { feeds in
            for key in feeds.keys.sorted() {
                for message in feeds[key]!.updates(simulator, now: now) { outbox.send(message) }
            }
        }
    }
}
