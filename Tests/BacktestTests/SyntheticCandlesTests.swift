import Core
import ExchangeSimulator
import Foundation
import Indicators
import Testing

@testable import Backtest

@Suite("Backtest data: the synthetic multi-symbol market")
struct SyntheticCandlesTests {
    let instruments = Array(SimulatedInstrument.defaults.prefix(3))
    /// 2024-01-01T00:00Z.
    let start = Timestamp(milliseconds: 1_704_067_200_000)

    func market(seed: UInt64 = 7, correlation: Double = 0.5, timeframe: Timeframe = .m5, _ instruments: [SimulatedInstrument]? = nil)
        -> SyntheticCandles
    {
        SyntheticCandles(instruments: instruments ?? self.instruments, timeframe: timeframe, start: start, seed: seed, correlation: correlation)
    }

    @Test func candlesAreValidAlignedAndOneBarApart() {
        var generator = market(timeframe: .h1)
        let series = generator.candles(count: 48)
        #expect(series.count == 3)
        for instrument in instruments {
            let candles = series[instrument.symbol] ?? []
            #expect(candles.count == 48)
            #expect(candles.first?.openTime == start)
            #expect(candles.allSatisfy { $0.timeframe == .h1 && $0.isClosed && $0.volume.isPositive })
            for (previous, next) in zip(candles, candles.dropFirst()) {
                #expect(next.openTime == previous.closeTime)
                #expect(next.open == previous.close)
            }
        }
        #expect(generator.openTime == start.adding(milliseconds: 48 * Timeframe.h1.milliseconds))
    }

    @Test func theSameSeedGivesTheSameMarketAndAnotherSeedAnother() {
        var first = market()
        var again = market()
        var other = market(seed: 8)
        let candles = first.candles(count: 50)
        #expect(candles == again.candles(count: 50))
        #expect(candles != other.candles(count: 50))
    }

    @Test func aSymbolDoesNotDependOnTheOthers() {
        var three = market()
        var alone = market([instruments[1]])
        #expect(three.candles(count: 30)[instruments[1].symbol] == alone.candles(count: 30)[instruments[1].symbol])
    }

    @Test func correlationMovesTheSymbolsTogether() {
        func returnCorrelation(_ correlation: Double) -> Double {
            var generator = market(seed: 11, correlation: correlation, timeframe: .m1, Array(instruments.prefix(2)))
            let series = generator.candles(count: 20_000)
            let returns = instruments.prefix(2).map { instrument in
                let closes = (series[instrument.symbol] ?? []).map { log($0.close.doubleValue) }
                return zip(closes, closes.dropFirst()).map { $1 - $0 }
            }
            var pearson = Correlation(period: returns[0].count)
            for (x, y) in zip(returns[0], returns[1]) { pearson.update(.init(x, y)) }
            return pearson.value ?? .nan
        }
        let independent = returnCorrelation(0)
        let correlated = returnCorrelation(0.8)
        #expect(abs(independent) < 0.05)
        #expect(correlated > 0.65 && correlated < 0.9)
    }
}
