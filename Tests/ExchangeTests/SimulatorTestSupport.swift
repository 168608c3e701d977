import ExchangeSimulator

/// A simulator started on a free loopback port for `body`, stopped afterwards (which closes
/// its WebSocket connections).
func withRunningSimulator<T>(
    _ configuration: BybitSimulator.Configuration = .init(),
    clock: SimulatorClock = SimulatorClock(),
    _ body: (BybitSimulator, Int) async throws -> T
) async throws -> T {
    let simulator = BybitSimulator(configuration: configuration, clock: clock)
    let port = try await simulator.start(host: "127.0.0.1", port: 0)
    do {
        let result = try await body(simulator, port)
        await simulator.stop()
        return result
    } catch {
        await simulator.stop()
        throw error
    }
}
