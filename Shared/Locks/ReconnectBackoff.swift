/// Exponential backoff between failed connection attempts: `initial`, `2 × initial`, ...
/// capped at `maximum`.
public struct ReconnectBackoff: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration

    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(5)) {
        precondition(initial > .zero && maximum >= initial, "backoff needs 0 < initial <= maximum")
        self.initial = initial
        self.maximum = maximum
    }

    /// The wait after `failures` consecutive failed attempts (`failures >= 1`).
    public func delay(afterFailures failures: Int) -> Duration {
        var delay = initial
        var remaining = max(failures, 1) - 1
        while remaining > 0 && delay < maximum {
            delay *= 2
            remaining -= 1
        }
        return min(delay, maximum)
    }
}
