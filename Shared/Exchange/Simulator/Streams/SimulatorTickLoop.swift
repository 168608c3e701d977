import ServiceLifecycle

/// Ticks the simulator every `interval` while its server runs: the registered tick handlers
/// (the matching engine) and the public stream pushes. When the server shuts down it closes
/// the live WebSocket connections, whose handlers would otherwise keep the server waiting.
struct SimulatorTickLoop: Service {
    let simulator: BybitSimulator
    let interval: Duration

    func run() async throws {
        let clock = ContinuousClock()
        var next = clock.now
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            next = max(next.advanced(by: interval), clock.now)
            try? await Task.sleep(until: next, clock: clock)
            simulator.tick()
        }
        simulator.dropWebSocketConnections()
    }
}
