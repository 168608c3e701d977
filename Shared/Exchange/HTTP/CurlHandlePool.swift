import Synchronization

/// A bounded pool of `CurlWorker`s. Idle workers are reused last-in first-out so the most
/// recently used kept-alive connection serves the next request; when every worker is busy and
/// the limit is reached, callers wait in FIFO order. A waiting task that is cancelled stops waiting.
final class CurlHandlePool: Sendable {
    enum Acquired {
        case worker(CurlWorker)
        case cancelled
        case shutdown
    }

    private struct State {
        var idle: [CurlWorker] = []
        var created = 0
        var nextWaiterID: UInt64 = 0
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Acquired, Never>)] = []
        var closed = false
    }

    let maxHandles: Int
    private let state = Mutex(State())

    init(maxHandles: Int) {
        self.maxHandles = max(1, maxHandles)
    }

    func acquire() async -> Acquired {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Acquired, Never>) in
                let immediate: Acquired? = state.withLock { state in
                    if state.closed { return .shutdown }
                    if let worker = state.idle.popLast() { return .worker(worker) }
                    if state.created < maxHandles, let worker = CurlWorker(index: state.created) {
                        state.created += 1
                        return .worker(worker)
                    }
                    // Checked under the lock: an onCancel that ran earlier found no waiter to remove.
                    if Task.isCancelled { return .cancelled }
                    state.waiters.append((id, continuation))
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Acquired, Never>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            continuation?.resume(returning: .cancelled)
        }
    }

    func release(_ worker: CurlWorker) {
        let waiter = state.withLock { state -> CheckedContinuation<Acquired, Never>? in
            if state.closed {
                state.created -= 1
                return nil
            }
            if !state.waiters.isEmpty { return state.waiters.removeFirst().continuation }
            state.idle.append(worker)
            return nil
        }
        waiter?.resume(returning: .worker(worker))
    }

    /// Frees idle handles (closing their connections), fails waiters, refuses further acquires.
    /// Busy handles are freed when their requests finish.
    func shutdown() {
        let (idle, waiters) = state.withLock { state in
            state.closed = true
            let result = (state.idle, state.waiters)
            state.created -= state.idle.count
            state.idle.removeAll()
            state.waiters.removeAll()
            return result
        }
        _ = idle  // released here, outside the lock
        for waiter in waiters { waiter.continuation.resume(returning: .shutdown) }
    }

    /// Handles currently open (idle or busy).
    var openHandles: Int { state.withLock { $0.created } }
}
