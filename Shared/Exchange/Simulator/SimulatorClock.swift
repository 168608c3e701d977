import Core

/// The simulator's notion of exchange time: real time by default, or a manual clock in tests
/// and accelerated replays.
public struct SimulatorClock: Sendable {
    private let clock: any TradingClock

    public init(_ clock: any TradingClock = LiveClock()) {
        self.clock = clock
    }

    public func now() -> Timestamp { clock.now() }
}
