import Synchronization

/// The frames waiting to go out on one simulator WebSocket. The connection's writer drains
/// `frames`; `close()` ends it, which ends the connection (fault injection, shutdown).
final class StreamOutbox: Sendable {
    private static let counter = Atomic<Int>(0)

    /// Bybit's `conn_id` for this connection.
    let connectionID: String
    let frames: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation

    init() {
        let number = Self.counter.add(1, ordering: .relaxed).newValue
        connectionID = "sim-conn-\(number)"
        (frames, continuation) = AsyncStream<String>.makeStream()
    }

    func send(_ text: String) { continuation.yield(text) }
    func send(_ json: SimJSON) { continuation.yield(json.serialized) }

    func close() { continuation.finish() }
}
