import Synchronization

/// Bridges one blocking job on a connection's queue to an async caller, resuming the caller
/// exactly once: with the job's result, or early with `CancellationError` when the task is
/// cancelled. An early resume leaves the job running on the queue; its result is dropped.
final class PendingCall<Value: Sendable>: Sendable {
    private enum State {
        case idle
        case waiting(CheckedContinuation<Value, any Error>)
        case cancelledBeforeStart
        case finished
    }

    private let state = Mutex<State>(.idle)

    /// Installs the caller's continuation. Returns false (after resuming it with
    /// `CancellationError`) if the task was cancelled already: then the job must not start.
    func start(_ continuation: CheckedContinuation<Value, any Error>) -> Bool {
        let cancelled = state.withLock { state -> Bool in
            if case .cancelledBeforeStart = state { return true }
            state = .waiting(continuation)
            return false
        }
        if cancelled { continuation.resume(throwing: CancellationError()) }
        return !cancelled
    }

    /// The job's outcome. Returns false if the caller had already been resumed by cancellation.
    @discardableResult
    func finish(_ result: Result<Value, any Error>) -> Bool {
        let continuation = state.withLock { state -> CheckedContinuation<Value, any Error>? in
            guard case .waiting(let continuation) = state else { return nil }
            state = .finished
            return continuation
        }
        continuation?.resume(with: result)
        return continuation != nil
    }

    /// Task cancellation. Returns true if this resumed a caller whose job is still running.
    func cancel() -> Bool {
        let continuation = state.withLock { state -> CheckedContinuation<Value, any Error>? in
            switch state {
            case .idle:
                state = .cancelledBeforeStart
                return nil
            case .waiting(let continuation):
                state = .finished
                return continuation
            case .cancelledBeforeStart, .finished:
                return nil
            }
        }
        continuation?.resume(throwing: CancellationError())
        return continuation != nil
    }
}
