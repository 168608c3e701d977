/// Exponential backoff between attempts at something that failed (a connection, a retried
/// message): `initial`, doubling per consecutive failure up to `maximum`, each delay drawn
/// from its upper half so that many processes do not retry in lockstep.
public struct Backoff: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration

    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(5)) {
        precondition(initial > .zero && maximum >= initial, "backoff needs 0 < initial <= maximum")
        self.initial = initial
        self.maximum = maximum
    }

    /// The ceiling of the wait after `failures` consecutive failures (≥ 1): initial × 2^(failures−1), capped.
    public func ceiling(afterFailures failures: Int) -> Duration {
        var delay = initial
        var remaining = max(failures, 1) - 1
        while remaining > 0 && delay < maximum {
            delay *= 2
            remaining -= 1
        }
        return min(delay, maximum)
    }

    /// The wait after `failures` consecutive failures: in [ceiling/2, ceiling], at the point
    /// `random` (0...1) picks, uniformly random unless a test fixes it.
    public func delay(afterFailures failures: Int, random: Double = .random(in: 0...1)) -> Duration {
        let ceiling = ceiling(afterFailures: failures)
        return ceiling / 2 + (ceiling / 2) * min(max(random, 0), 1)
    }
}
