/// A rolling window: at most `limit` admissions in any `window`. Not thread-safe; the
/// simulator keeps it inside its mutex.
struct RollingWindow: Sendable {
    let limit: Int
    let window: Duration
    private var admitted: [ContinuousClock.Instant] = []
    private var head = 0

    init(limit: Int, window: Duration) {
        self.limit = limit
        self.window = window
    }

    private mutating func expire(now: ContinuousClock.Instant) {
        while head < admitted.count, admitted[head] + window <= now { head += 1 }
        if head > 1024, head * 2 > admitted.count {
            admitted.removeFirst(head)
            head = 0
        }
    }

    /// What admitting one more request now would leave: admitted or not, the requests left in
    /// the window afterwards, and how long until the oldest counted request leaves the window.
    mutating func admit(now: ContinuousClock.Instant) -> (admitted: Bool, remaining: Int, resetIn: Duration) {
        expire(now: now)
        let inWindow = admitted.count - head
        guard inWindow < limit else {
            return (false, 0, admitted[head] + window - now)
        }
        admitted.append(now)
        let oldest = admitted[head]
        return (true, limit - inWindow - 1, oldest + window - now)
    }
}
