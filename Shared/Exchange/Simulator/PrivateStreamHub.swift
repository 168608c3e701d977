import Core
import Synchronization

/// One private-stream push for one account: Bybit's topic (`order`, `execution`, `position`,
/// `wallet`) and its `data` items, already in Bybit's shape.
struct PrivateStreamEvent: Sendable {
    let apiKey: String
    let topic: String
    let data: [SimJSON]
    let time: Timestamp
}

/// Fans the matching engine's account events out to the private WebSocket connections
/// authenticated with the same API key. A connection that subscribes late misses what came
/// before, as at Bybit.
final class PrivateStreamHub: Sendable {
    private struct Subscriber {
        let apiKey: String
        let continuation: AsyncStream<PrivateStreamEvent>.Continuation
    }

    private let subscribers = Mutex<(next: Int, all: [Int: Subscriber])>((0, [:]))

    func publish(_ event: PrivateStreamEvent) {
        let targets = subscribers.withLock { state in state.all.values.filter { $0.apiKey == event.apiKey } }
        for target in targets { target.continuation.yield(event) }
    }

    /// Events for `apiKey` from now on; the stream ends when the caller's task stops iterating
    /// or `cancel` runs.
    func subscribe(apiKey: String) -> AsyncStream<PrivateStreamEvent> {
        let (stream, continuation) = AsyncStream<PrivateStreamEvent>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        let id = subscribers.withLock { state -> Int in
            state.next += 1
            state.all[state.next] = Subscriber(apiKey: apiKey, continuation: continuation)
            return state.next
        }
        continuation.onTermination = { [weak self] _ in
            self?.subscribers.withLock { state in _ = state.all.removeValue(forKey: id) }
        }
        return stream
    }
}
