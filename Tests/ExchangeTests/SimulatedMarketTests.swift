import Core
import Foundation
import Testing

@testable import ExchangeSimulator

/// The synthetic market: deterministic from the seed, with regimes, volatility clusters, jumps,
/// an intra-minute path, a book and trades that agree with it, and a funding series.
@Suite("Synthetic market")
struct SimulatedMarketTests {
    let btc = try! Symbol("BTCUSDT")
    let start = Timestamp(milliseconds: 1_700_000_000_000)

    func process(seed: UInt64) -> SyntheticPriceProcess {
        SyntheticPriceProcess(startTicks: 600_000, lot: 30, generator: SplitMix64(seed: seed, btc))
    }

    func minutes(seed: UInt64, count: Int) -> [SyntheticMinute] {
        var process = process(seed: seed)
        return (0..<count).map { _ in process.next() }
    }

    func logReturns(_ minutes: [SyntheticMinute]) -> [Double] {
        minutes.map { log(Double($0.bar.close) / Double($0.bar.open)) }
    }

    func standardDeviation(_ values: [Double]) -> Double {
        let mean = values.reduce(0, +) / Double(values.count)
        return (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot()
    }

    @Test func sameSeedSameMarketOtherSeedAnother() {
        let first = minutes(seed: 7, count: 2_000).map(\.bar)
        #expect(first == minutes(seed: 7, count: 2_000).map(\.bar))
        #expect(first != minutes(seed: 8, count: 2_000).map(\.bar))

        let a = MarketBoard(instruments: SimulatedInstrument.defaults, seed: 7, historyMinutes: 600, now: start)
        let b = MarketBoard(instruments: SimulatedInstrument.defaults, seed: 7, historyMinutes: 600, now: start)
        let c = MarketBoard(instruments: SimulatedInstrument.defaults, seed: 8, historyMinutes: 600, now: start)
        let times = stride(from: Int64(0), to: 120_000, by: 1_750).map { start.adding(milliseconds: $0) }
        let pricesA = times.map { a.lastPriceTicks(btc, at: $0) }
        #expect(pricesA == times.map { b.lastPriceTicks(btc, at: $0) })
        #expect(pricesA != times.map { c.lastPriceTicks(btc, at: $0) })
        #expect(a.book(btc, at: start, depth: 10) == b.book(btc, at: start, depth: 10))
        #expect(a.trades(btc, after: start, through: start.adding(milliseconds: 60_000))
            == b.trades(btc, after: start, through: start.adding(milliseconds: 60_000)))
    }

    @Test func barsAreConsistentAndContinuous() {
        let bars = minutes(seed: 3, count: 5_000).map(\.bar)
        for (previous, next) in zip(bars, bars.dropFirst()) { #expect(next.open == previous.close) }
        #expect(bars.allSatisfy { $0.low <= min($0.open, $0.close) && $0.high >= max($0.open, $0.close) && $0.low > 0 })
        #expect(bars.allSatisfy { $0.volume > 0 })
    }

    @Test func regimesDriftTheirWay() {
        let sample = minutes(seed: 11, count: 300_000)
        let returns = logReturns(sample)
        func meanReturn(_ regime: MarketRegime) -> Double {
            let picked = zip(sample, returns).filter { $0.0.regime == regime }.map(\.1)
            return picked.reduce(0, +) / Double(max(1, picked.count))
        }
        let regimes = Set(sample.map(\.regime))
        #expect(regimes == Set(MarketRegime.allCases), "every regime occurs")
        // Switches happen every few hours on average, not every minute or never.
        let switches = zip(sample, sample.dropFirst()).filter { $0.0.regime != $0.1.regime }.count
        #expect((300...3_000).contains(switches))
        let drift = SyntheticPriceProcess.trendDrift
        #expect(meanReturn(.trendingUp) > drift / 2)
        #expect(meanReturn(.trendingDown) < -drift / 2)
        #expect(abs(meanReturn(.ranging)) < drift / 2)
    }

    @Test func volatilityClusters() {
        let sample = minutes(seed: 5, count: 200_000)
        let returns = logReturns(sample)
        let sigmas = sample.map(\.sigma).sorted()
        let (calm, wild) = (sigmas[sigmas.count / 4], sigmas[sigmas.count * 3 / 4])
        let calmReturns = zip(sample, returns).filter { $0.0.sigma <= calm }.map(\.1)
        let wildReturns = zip(sample, returns).filter { $0.0.sigma >= wild }.map(\.1)
        // Realized volatility in the wild quarter well above the calm quarter.
        #expect(standardDeviation(wildReturns) > 1.5 * standardDeviation(calmReturns))
        // Persistence: big moves follow big moves (autocorrelation of |r| clearly positive).
        let magnitudes = returns.map(abs)
        let mean = magnitudes.reduce(0, +) / Double(magnitudes.count)
        var covariance = 0.0
        var variance = 0.0
        for (a, b) in zip(magnitudes, magnitudes.dropFirst()) { covariance += (a - mean) * (b - mean) }
        for a in magnitudes { variance += (a - mean) * (a - mean) }
        #expect(covariance / variance > 0.05)
        // Jumps: moves far beyond the long-run volatility occur, but rarely.
        let jumps = returns.filter { abs($0) > 8 * SyntheticPriceProcess.baseSigma }.count
        #expect(jumps > 0 && jumps < returns.count / 1_000)
    }

    @Test func intraMinutePathTouchesHighAndLowAndEndsOnTheClose() {
        for (index, minute) in minutes(seed: 9, count: 500).enumerated() {
            let bar = minute.bar
            let path = IntraMinutePath(bar: bar, generator: SplitMix64(seed: 9, btc, Int64(index))).prices
            #expect(path.count == 240)
            #expect(path.first == bar.open && path.last == bar.close)
            #expect(path.max() == bar.high && path.min() == bar.low)
        }
    }

    @Test func lastPriceMovesWithinTheMinuteAndKlineShowsTheMinuteSoFar() {
        let board = MarketBoard(instruments: SimulatedInstrument.defaults, seed: 4, historyMinutes: 60, now: start)
        let minute = Timeframe.m1.bucketStart(of: start).adding(milliseconds: 60_000)
        let prices = stride(from: Int64(0), to: 60_000, by: 250).map { board.lastPriceTicks(btc, at: minute.adding(milliseconds: $0)) }
        let bar = board.withSeries(btc, through: minute) { $0.bars[Int($0.minuteIndex(minute))] }
        #expect(Set(prices).count > 10, "the price moves within the minute")
        #expect(prices.last == bar?.close && prices.max() == bar?.high && prices.min() == bar?.low)
        let halfway = minute.adding(milliseconds: 30_000)
        let soFar = board.withSeries(btc, through: halfway) { $0.bar($0.minuteIndex(halfway), at: halfway) }
        #expect(soFar?.close == board.lastPriceTicks(btc, at: halfway))
        #expect(soFar?.high == prices[...120].max())
    }

    @Test func bookIsOrderedDeeperAwayFromTheTouchAndChangesEveryStep() throws {
        let board = MarketBoard(instruments: SimulatedInstrument.defaults, seed: 4, historyMinutes: 60, now: start)
        for instrument in SimulatedInstrument.defaults {
            let book = board.book(instrument.symbol, at: start, depth: 50)
            let last = board.lastPriceTicks(instrument.symbol, at: start)
            #expect(book.updateID == 1)
            #expect(book.bids.count == 50 && book.asks.count == 50)
            let bid = try #require(book.bids.first)
            let ask = try #require(book.asks.first)
            #expect(bid.priceTicks < last && last < ask.priceTicks)
            for side in [book.bids, book.asks] {
                for (near, far) in zip(side, side.dropFirst()) { #expect(far.sizeUnits > near.sizeUnits) }
                #expect(side.allSatisfy { $0.sizeUnits % instrument.qtyStepUnits == 0 && $0.sizeUnits >= instrument.minOrderQtyUnits })
            }
            for (better, worse) in zip(book.bids, book.bids.dropFirst()) { #expect(better.priceTicks > worse.priceTicks) }
            for (better, worse) in zip(book.asks, book.asks.dropFirst()) { #expect(better.priceTicks < worse.priceTicks) }
        }
        let first = board.book(btc, at: start, depth: 10)
        let next = board.book(btc, at: start.adding(milliseconds: MarketBoard.bookStep), depth: 10)
        #expect(next.updateID == 2)
        #expect(first.bids.map(\.sizeUnits) != next.bids.map(\.sizeUnits))
        // Walking the book: a bigger market buy pays a worse average price.
        func averageCost(_ units: Int64) -> Double {
            var left = units
            var cost = 0.0
            for level in first.asks where left > 0 {
                let take = min(left, level.sizeUnits)
                cost += Double(take * level.priceTicks)
                left -= take
            }
            return cost / Double(units - left)
        }
        #expect(averageCost(first.asks[0].sizeUnits * 20) > averageCost(first.asks[0].sizeUnits))
    }

    @Test func tradesPrintOnThePathWithTheTakerFromTheMove() {
        let board = MarketBoard(instruments: SimulatedInstrument.defaults, seed: 4, historyMinutes: 60, now: start)
        let from = start.adding(milliseconds: 5_000)
        let trades = board.trades(btc, after: from, through: from.adding(milliseconds: 180_000))
        #expect(trades.count > 200)
        #expect(trades.allSatisfy { $0.time > from && $0.time <= from.adding(milliseconds: 180_000) })
        #expect(zip(trades, trades.dropFirst()).allSatisfy { $0.time < $1.time })
        #expect(Set(trades.map(\.id)).count == trades.count)
        for trade in trades {
            #expect(trade.priceTicks == board.lastPriceTicks(btc, at: trade.time))
            let before = board.lastPriceTicks(btc, at: trade.time.adding(milliseconds: -IntraMinutePath.stepMilliseconds))
            if trade.priceTicks > before { #expect(trade.takerSide == .buy) }
            if trade.priceTicks < before { #expect(trade.takerSide == .sell) }
        }
        // Consecutive windows tile: no trade lost or repeated at the seam.
        let split = from.adding(milliseconds: 90_000)
        let halves = board.trades(btc, after: from, through: split) + board.trades(btc, after: split, through: from.adding(milliseconds: 180_000))
        #expect(halves == trades)
        // A minute's prints add up to its bar's volume, as a real tape adds up to its candle.
        let minuteStart = Timestamp(milliseconds: (from.milliseconds / 60_000 + 1) * 60_000)
        let minute = board.trades(btc, after: minuteStart.adding(milliseconds: -1), through: minuteStart.adding(milliseconds: 59_999))
        let volume = board.withSeries(btc, through: minuteStart.adding(milliseconds: 60_000)) { $0.bars[Int($0.minuteIndex(minuteStart))].volume }
        #expect(minute.reduce(0) { $0 + $1.sizeUnits } == volume)
    }

    @Test func fundingIsBoundedRealisticAndFixedPerEightHours() {
        let board = MarketBoard(instruments: SimulatedInstrument.defaults, seed: 4, historyMinutes: 60, now: start)
        let period = FundingSchedule.periodMilliseconds
        let origin = Timestamp(milliseconds: start.milliseconds / period * period)
        let rates = (0..<3_000).map { board.fundingRate(btc, at: origin.adding(milliseconds: Int64($0) * period)) }
        let (upper, lower) = (try! FixedPoint(parsing: "0.005"), try! FixedPoint(parsing: "-0.005"))
        #expect(rates.allSatisfy { $0 <= upper && $0 >= lower })
        let units = rates.map { Double($0.units) / pow(10, Double($0.scale)) }
        let typical = units.sorted()[units.count / 2]
        #expect(abs(typical - 0.0001) < 0.00005, "the median is about 0.01 %")
        #expect(Set(units).count > 50, "the rate varies from period to period")
        // The same rate throughout a period (00/08/16 UTC), a new one at the next boundary.
        let inside = (0..<8).map { board.fundingRate(btc, at: origin.adding(milliseconds: Int64($0) * 3_600_000 + 59_999)) }
        #expect(Set(inside).count == 1)
        #expect(origin.milliseconds % (8 * 3_600_000) == 0)
        let boundaries = (1...20).map { origin.adding(milliseconds: Int64($0) * period) }
        let changes = boundaries.filter { board.fundingRate(btc, at: $0) != board.fundingRate(btc, at: $0.adding(milliseconds: -1)) }
        #expect(changes.count >= 15)
    }
}
