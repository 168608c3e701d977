import Core
@testable import ExchangeSimulator
import Testing

/// Faults that act on the simulator's private stream.
@Suite("Simulator faults on the private stream")
struct SimulatorFaultTests {
    /// The first event on `stream` within `wait`, or nil.
    func firstEvent(_ stream: AsyncStream<PrivateStreamEvent>, within wait: Duration) async -> PrivateStreamEvent? {
        await withTaskGroup(of: PrivateStreamEvent?.self) { group in
            group.addTask { await stream.first { _ in true } }
            group.addTask {
                try? await Task.sleep(for: wait)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    func marketBuy(_ simulator: BybitSimulator, link: String) throws {
        _ = try simulator.engine.createOrder(
            SimulatedAccount.standard.apiKey,
            RequestFields(query: [
                "category": "linear", "symbol": "BTCUSDT", "side": "Buy", "orderType": "Market", "qty": "0.001",
                "orderLinkId": link,
            ]),
            at: simulator.clock.now())
    }

    @Test func aMutedPrivateStreamDropsEventsUntilTheMuteEnds() async throws {
        try await withRunningSimulator { simulator, _ in
            simulator.faults.mutePrivateStream(for: .seconds(60))
            let muted = simulator.privateStreams.subscribe(apiKey: SimulatedAccount.standard.apiKey)
            try marketBuy(simulator, link: "muted-1")
            #expect(await firstEvent(muted, within: .milliseconds(500)) == nil, "a muted stream pushes nothing")

            simulator.faults.mutePrivateStream(for: .zero)
            let live = simulator.privateStreams.subscribe(apiKey: SimulatedAccount.standard.apiKey)
            try marketBuy(simulator, link: "live-1")
            let event = try #require(await firstEvent(live, within: .seconds(5)))
            #expect(["order", "execution", "position", "wallet"].contains(event.topic))
        }
    }
}
