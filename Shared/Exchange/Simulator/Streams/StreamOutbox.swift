import Synchronization

/// The frames waiting to go out on one simulator WebSocket. The connection's writer drains
/// `frames`; `close()` ends it, which ends the connection (fault injection, shutdown). A client
/// that falls `backlogLimit` frames behind is disconnected, as Bybit drops slow consumers.
final class StreamOutbox: Sendable {
    static let backlogLimit = 20_000
    private static let counter = Atomic<Int>(0)

    /// Bybit's `conn_id` for this connection.
    let connectionID: String
    let frames: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation

    init() {
        let number = Self.counter.add(1, ordering: .relaxed).newValue
        connectionID = "sim-conn-\(number)"
        (frames, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingOldest(Self.backlogLimit))
    }

    func send(_ text: String) {
        if case .dropped = continuation.yield(text) { close() }
    }

    func send(_ json: SimJSON) { send(json.serialized) }

    func close() { continuation.finish() }
}
