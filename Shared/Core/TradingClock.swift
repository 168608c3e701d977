import Synchronization

/// The source of "now" for all logic. Named `TradingClock` because the standard library
/// already has a `Clock` protocol (for `Duration`-based sleeping), which this is not.
///
/// Live services pass `LiveClock`; tests and the backtester pass `ManualClock`, so the same
/// code runs against real or simulated time.
public protocol TradingClock: Sendable {
    func now() -> Timestamp
}

/// System wall-clock time (UTC, millisecond resolution).
public struct LiveClock: TradingClock {
    public init() {}

    public func now() -> Timestamp {
        Timestamp.systemNow()
    }
}

/// A clock that moves only when told to. Thread-safe; share one instance freely.
/// `set(to:)` may move time backwards; `advance(by:)` with a negative duration does too.
public final class ManualClock: TradingClock {
    private let current: Mutex<Timestamp>

    public init(_ start: Timestamp = .epoch) {
        current = Mutex(start)
    }

    public func now() -> Timestamp {
        current.withLock { $0 }
    }

    /// Moves the clock forward by `duration` (whole milliseconds) and returns the new time.
    @discardableResult
    public func advance(by duration: Duration) -> Timestamp {
        current.withLock { time in
            time = time + duration
            return time
        }
    }

    /// Sets the clock to `time`.
    public func set(to time: Timestamp) {
        current.withLock { $0 = time }
    }
}
