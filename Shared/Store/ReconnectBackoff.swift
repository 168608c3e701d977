/// How long a pool waits before its next connection attempt after consecutive failures:
/// `initial`, doubling (`multiplier`) per failure up to `maximum`, with the last `jitter`
/// fraction of each delay randomised so that many services do not reconnect in lockstep.
public struct ReconnectBackoff: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration
    public var multiplier: Double
    /// 0 = no jitter; 0.5 = each delay is uniform in [delay/2, delay].
    public var jitter: Double

    public init(
        initial: Duration = .milliseconds(100),
        maximum: Duration = .seconds(5),
        multiplier: Double = 2,
        jitter: Double = 0.5
    ) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = max(1, multiplier)
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The wait before the next attempt after `failures` consecutive failed attempts (≥ 1).
    /// `random` in 0...1 picks the point in the jitter range.
    public func delay(afterFailures failures: Int, random: Double = .random(in: 0...1)) -> Duration {
        let exponent = Double(max(0, failures - 1))
        let cap = maximum.seconds
        let base = min(cap, initial.seconds * Self.power(multiplier, exponent))
        return .seconds(base * (1 - jitter * min(max(random, 0), 1)))
    }

    private static func power(_ base: Double, _ exponent: Double) -> Double {
        var result = 1.0
        var remaining = exponent
        while remaining >= 1, result < 1e9 {
            result *= base
            remaining -= 1
        }
        return result
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
