import Core
import Synchronization

/// The simulator's live WebSocket sessions and the handlers its tick loop runs.
final class SimulatorStreams: Sendable {
    private struct State {
        var next = 0
        var publicSessions: [Int: PublicSession] = [:]
        var outboxes: [Int: StreamOutbox] = [:]
        var tickHandlers: [@Sendable (Timestamp) -> Void] = []
    }

    private let state = Mutex(State())
    private let bookDeltasToSkip = Atomic<Int>(0)

    /// Registers a live connection; `remove` with the returned key when it ends.
    func add(_ outbox: StreamOutbox, public session: PublicSession? = nil) -> Int {
        state.withLock { state in
            state.next += 1
            state.outboxes[state.next] = outbox
            state.publicSessions[state.next] = session
            return state.next
        }
    }

    func remove(_ key: Int) {
        state.withLock { state in
            state.outboxes[key] = nil
            state.publicSessions[key] = nil
        }
    }

    var connectionCount: Int { state.withLock { $0.outboxes.count } }

    func addTickHandler(_ handler: @escaping @Sendable (Timestamp) -> Void) {
        state.withLock { $0.tickHandlers.append(handler) }
    }

    /// Runs the tick handlers, then pushes every public subscription's updates.
    func tick(simulator: BybitSimulator, now: Timestamp) {
        let (handlers, sessions) = state.withLock { ($0.tickHandlers, Array($0.publicSessions.values)) }
        for handler in handlers { handler(now) }
        for session in sessions { session.tick(simulator: simulator, now: now) }
    }

    /// Fault injection: the next `count` order-book deltas (any topic, any connection) are not sent.
    func skipBookDeltas(_ count: Int) {
        bookDeltasToSkip.add(count, ordering: .relaxed)
    }

    /// Whether the book delta about to be sent is to be skipped (and counts it if so).
    func takeBookDeltaSkip() -> Bool {
        var left = bookDeltasToSkip.load(ordering: .relaxed)
        while left > 0 {
            let (exchanged, current) = bookDeltasToSkip.compareExchange(expected: left, desired: left - 1, ordering: .relaxed)
            if exchanged { return true }
            left = current
        }
        return false
    }

    /// Ends every live connection.
    func dropAll() {
        for outbox in state.withLock({ Array($0.outboxes.values) }) { outbox.close() }
    }
}
