/// Exponential backoff with full jitter between attempts at a failing operation.
public struct RetryPolicy: Sendable, Equatable {
    public var initialDelayMs: Int
    public var maxDelayMs: Int

    public init(initialDelayMs: Int = 100, maxDelayMs: Int = 5000) {
        self.initialDelayMs = initialDelayMs
        self.maxDelayMs = maxDelayMs
    }

    /// The delay before attempt `attempt + 1` (attempt counts from 1): a random value in
    /// [cap/2, cap] with cap = initial × 2^(attempt-1), bounded by `maxDelayMs`.
    public func delayMs(afterAttempt attempt: Int) -> Int {
        let exponent = min(max(attempt - 1, 0), 30)
        let cap = min(maxDelayMs, initialDelayMs << exponent)
        return Int.random(in: (cap / 2)...max(cap / 2, cap))
    }
}
