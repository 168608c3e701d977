import Synchronization

/// Faults the simulator injects on demand, to test how clients cope: refused requests,
/// a create whose reply never arrives in time although the order was placed, a private stream
/// that goes quiet, and latency.
public final class SimulatorFaults: Sendable {
    /// How an injected refusal answers.
    public enum Refusal: String, Sendable, Hashable {
        /// HTTP 200 with retCode 10006 "Too many visits!".
        case rateLimited = "10006"
        /// HTTP 403 "access too frequent" (the IP limit).
        case forbidden = "403"
    }

    struct State: Sendable {
        var refusals: [Refusal] = []
        var holdNextCreate: Duration?
        var privateStreamMutedUntil: ContinuousClock.Instant?
        var latency: Duration = .zero
    }

    private let state: Mutex<State>

    init(latency: Duration = .zero) {
        state = Mutex(State(latency: latency))
    }

    /// Answers the next `count` REST requests (market or private) with `refusal`, after any
    /// refusals already queued.
    public func refuseNext(_ count: Int, with refusal: Refusal) {
        state.withLock { $0.refusals += Array(repeating: refusal, count: max(0, count)) }
    }

    /// The next order create is executed, then its reply is held for `delay` (make it longer
    /// than the client's timeout).
    public func holdNextCreate(for delay: Duration) {
        state.withLock { $0.holdNextCreate = delay }
    }

    /// For `duration`, private-stream pushes are dropped, not delayed: a stalled connection
    /// loses them, as at Bybit, and a client learns of those events only over REST.
    public func mutePrivateStream(for duration: Duration) {
        state.withLock { $0.privateStreamMutedUntil = ContinuousClock.now + duration }
    }

    var isPrivateStreamMuted: Bool {
        state.withLock { state in state.privateStreamMutedUntil.map { ContinuousClock.now < $0 } ?? false }
    }

    /// Added before every REST reply.
    public var latency: Duration {
        get { state.withLock { $0.latency } }
        set { state.withLock { $0.latency = newValue } }
    }

    /// Removes every pending fault and the latency.
    public func clear() {
        state.withLock { $0 = State() }
    }

    /// Refusals still queued.
    public var pendingRefusals: Int { state.withLock { $0.refusals.count } }

    func takeRefusal() -> Refusal? {
        state.withLock { $0.refusals.isEmpty ? nil : $0.refusals.removeFirst() }
    }

    func takeCreateHold() -> Duration? {
        state.withLock { state in
            defer { state.holdNextCreate = nil }
            return state.holdNextCreate
        }
    }

    /// Sleeps for the configured latency (not at all when it is zero).
    func delay() async {
        let latency = self.latency
        guard latency > .zero else { return }
        try? await Task.sleep(for: latency)
    }
}
