import Core

/// Hooks through which a harness times the simulator's clients (`keel bench pipeline`): when a
/// candle's final form goes out on the public stream, and when an order create arrives. They
/// run on the simulator's own tasks, so they must return at once.
public struct SimulatorProbe: Sendable {
    public var candleClosed: @Sendable (_ symbol: Symbol, _ timeframe: Timeframe, _ start: Timestamp) -> Void
    public var orderReceived: @Sendable (_ orderLinkID: String) -> Void

    public init(
        candleClosed: @escaping @Sendable (Symbol, Timeframe, Timestamp) -> Void,
        orderReceived: @escaping @Sendable (String) -> Void
    ) {
        self.candleClosed = candleClosed
        self.orderReceived = orderReceived
    }
}
