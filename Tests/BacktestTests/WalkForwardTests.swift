import Core
import Testing

@testable import Backtest

@Suite struct WalkForwardTests {
    @Test func rollingWindowsSlideByTheOutOfSampleLength() throws {
        let windows = try WalkForwardPlan(inSampleBars: 100, outOfSampleBars: 30, anchored: false, warmUpBars: 10).windows(bars: 200)
        #expect(windows.map(\.inSample) == [0..<100, 30..<130, 60..<160])
        #expect(windows.map(\.outOfSample) == [100..<130, 130..<160, 160..<190])
    }

    @Test func anchoredWindowsAllStartAtTheFirstBar() throws {
        let windows = try WalkForwardPlan(inSampleBars: 100, outOfSampleBars: 50, anchored: true, warmUpBars: 0).windows(bars: 260)
        #expect(windows.map(\.inSample) == [0..<100, 0..<150, 0..<200])
        #expect(windows.map(\.outOfSample) == [100..<150, 150..<200, 200..<250])
    }

    @Test func noWindowThatFitsIsAClearError() {
        #expect(throws: BacktestConfigurationError.self) {
            try WalkForwardPlan(inSampleBars: 100, outOfSampleBars: 50, anchored: false, warmUpBars: 0).windows(bars: 149)
        }
        #expect(throws: BacktestConfigurationError.self) { try WalkForwardPlan(inSampleBars: 0, outOfSampleBars: 5, anchored: false, warmUpBars: 0) }
    }

    @Test func outOfSampleRunsStitchFromEachOthersEquityAndTradeOnlyInTheirWindows() async throws {
        let market = try BacktestMarket(SyntheticSeries.generate(
            instruments: SyntheticSeries.instruments(count: 1), timeframe: .h1, start: BacktesterTests.start, bars: 2_000, seed: 3,
            correlation: 0, parallelism: 1))
        let setup = BacktestSetup(
            sources: [], timeframe: .h1, repairs: [], from: nil, to: nil, strategy: .smaCross(fast: 5, slow: 20), venue: VenueSettings(),
            startingEquity: Money(decimal("10000")), parallelism: 1)
        let walk = WalkForward(
            plan: try WalkForwardPlan(inSampleBars: 600, outOfSampleBars: 300, anchored: false, warmUpBars: 50),
            space: try ParameterSpace(specs: ["fast=3:9:3", "slow=12:36:12"], constraint: BacktestSetup.parameterConstraint),
            search: .grid, objective: .totalReturn, parallelism: 2, journalDirectory: nil)
        let result = try await walk.run(setup, on: market, progress: false)
        #expect(result.windows.count == 4)
        #expect(result.equity.first?.equity == Money(decimal("10000")))
        #expect(result.equity.first?.time == result.windows[0].outOfSampleFrom)
        let times = result.equity.map(\.time)
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 < $1 })
        // Each window's run started from the equity the one before ended with: the stitched
        // curve is one point per bar of the out-of-sample windows, with no jump between them.
        #expect(result.equity.count == 4 * 300 + 1)
        for trade in result.trades {
            #expect(result.windows.contains { $0.outOfSampleFrom <= trade.entryTime && trade.exitTime <= $0.outOfSampleTo })
        }
        // Re-running a window's chosen point alone reproduces its out-of-sample return.
        let second = result.windows[1]
        var chosen = try setup.applying(second.point)
        chosen.startingEquity = try #require(result.equity.first { $0.time == second.outOfSampleFrom }).equity
        let alone = try chosen.run(
            on: try market.slice(from: Timestamp(milliseconds: market.series[0].openTimes[second.window.outOfSample.lowerBound - 50]),
                                 to: second.outOfSampleTo), tradingFrom: second.outOfSampleFrom)
        #expect(try alone.metrics().returns.totalReturn == second.outOfSampleReturn)
    }
}
