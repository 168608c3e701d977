import Core
import Testing

@testable import ExchangeSimulator

/// The simulator's clock at real time and faster, and the board read through it.
@Suite("Market board and its clock")
struct MarketBoardTests {
    let btc = try! Symbol("BTCUSDT")
    let start = Timestamp(milliseconds: 1_700_000_000_000)

    @Test func realTimeFollowsTheUnderlyingClock() {
        let manual = ManualClock(start)
        let clock = SimulatorClock(manual)
        #expect(clock.now() == start)
        manual.advance(by: .milliseconds(1_234))
        #expect(clock.now() == start.adding(milliseconds: 1_234))
        #expect(clock.speed == 1)
    }

    @Test func speedMultipliesElapsedTimeFromTheStartInstant() throws {
        let manual = ManualClock(start)
        let replayStart = Timestamp(milliseconds: 1_500_000_000_000)
        let clock = try SimulatorClock(speed: 60, start: replayStart, clock: manual)
        #expect(clock.now() == replayStart)
        manual.advance(by: .seconds(1))
        #expect(clock.now() == replayStart.adding(milliseconds: 60_000))
        manual.advance(by: .milliseconds(500))
        #expect(clock.now() == replayStart.adding(milliseconds: 90_000))
        #expect(clock.realDuration(of: .seconds(60)) == .seconds(1))

        let fractional = try SimulatorClock(speed: 2.5, clock: manual)
        let origin = fractional.now()
        manual.advance(by: .seconds(2))
        #expect(fractional.now() == origin.adding(milliseconds: 5_000))
    }

    @Test func speedBelowRealTimeIsRefused() {
        for speed in [0.5, 0, -1, .nan, .infinity] {
            #expect(throws: SimulatorClock.ConfigurationError.self) { try SimulatorClock(speed: speed) }
        }
    }

    @Test func anAcceleratedBoardPlaysMinutesPerSecond() throws {
        let manual = ManualClock(start)
        let clock = try SimulatorClock(speed: 120, clock: manual)
        let simulator = BybitSimulator(configuration: .init(historyMinutes: 60), clock: clock)
        let board = simulator.market
        let bars = { board.withSeries(self.btc, through: clock.now()) { $0.bars.count } ?? 0 }
        let before = bars()
        let book = board.book(btc, at: clock.now(), depth: 5)
        #expect(book.updateID == 1)
        manual.advance(by: .seconds(5))  // ten market minutes
        #expect(bars() == before + 10)
        // 600 s of market time: 6,000 book steps.
        #expect(board.book(btc, at: clock.now(), depth: 5).updateID == 6_001)
    }
}
