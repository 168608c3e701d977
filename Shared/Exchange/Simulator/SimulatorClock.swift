import Core

/// The simulator's notion of exchange time: `speed`× the time of an underlying clock from a start
/// instant. Real time by default; a replay or synthetic market can run faster (`speed` 60 plays
/// an hour a minute), and tests drive it with a `ManualClock`. The matching engine and the
/// streams read the same instance, so they agree on "now".
public struct SimulatorClock: Sendable {
    public enum ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
        case speedBelowRealTime(Double)
        public var description: String {
            switch self {
            case .speedBelowRealTime(let speed): return "speed must be a finite number of at least 1 (real time), got \(speed)"
            }
        }
    }

    private let clock: any TradingClock
    /// Multiplier of the underlying clock's elapsed time.
    public let speed: Double
    /// The underlying clock's time when this clock began.
    private let origin: Timestamp
    /// This clock's time at `origin`.
    private let start: Timestamp

    /// The underlying clock's own time, at real speed.
    public init(_ clock: any TradingClock = LiveClock()) {
        self.clock = clock
        speed = 1
        origin = clock.now()
        start = origin
    }

    /// Time that starts at `start` (default: the underlying clock's now) and runs `speed`× faster.
    public init(speed: Double, start: Timestamp? = nil, clock: any TradingClock = LiveClock()) throws(ConfigurationError) {
        guard speed.isFinite, speed >= 1 else { throw .speedBelowRealTime(speed) }
        self.clock = clock
        self.speed = speed
        origin = clock.now()
        self.start = start ?? origin
    }

    public func now() -> Timestamp {
        let elapsed = clock.now().milliseconds - origin.milliseconds
        let scaled = speed == 1 ? elapsed : Int64((Double(elapsed) * speed).rounded(.down))
        return start.adding(milliseconds: scaled)
    }

    /// How far this clock has run ahead of real time since it began, in milliseconds (zero at
    /// real speed). A client that synchronised its clock to the simulator lags it by up to this.
    public var aheadOfRealTime: Int64 {
        let elapsed = clock.now().milliseconds - origin.milliseconds
        return now().milliseconds - start.milliseconds - elapsed
    }

    /// How long to wait in real time for `simulated` to pass on this clock.
    public func realDuration(of simulated: Duration) -> Duration { simulated / speed }
}
