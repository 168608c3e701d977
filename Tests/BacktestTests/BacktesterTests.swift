import Config
import Core
import ExchangeSimulator
import OrderManagement
import Risk
import Strategy
import Testing

@testable import Backtest

@Suite struct BacktesterTests {
    static let start = Timestamp(milliseconds: 1_735_689_600_000)

    func syntheticMarket(symbols: Int, bars: Int, timeframe: Timeframe = .m15, parallelism: Int = 2) throws -> BacktestMarket {
        try BacktestMarket(SyntheticSeries.generate(
            instruments: SyntheticSeries.instruments(count: symbols), timeframe: timeframe, start: Self.start, bars: bars, seed: 7,
            correlation: 0.5, parallelism: parallelism))
    }

    func macdRSI(_ market: BacktestMarket, parallelism: Int = 2) throws -> BacktestResult {
        let instance = StrategyInstanceConfig(name: "macd_rsi", symbols: [], timeframe: market.timeframe, settings: StrategySettings())
        let setup = BacktestSetup(
            sources: [], timeframe: market.timeframe, repairs: [], from: nil, to: nil,
            strategy: .macdRSI(instance, risk: RiskSettings(), policy: ExecutionPolicy()),
            venue: VenueSettings(fundingRate: decimal("0.0001")), startingEquity: Money(decimal("100000")), parallelism: parallelism)
        return try setup.run(on: market)
    }

    @Test func syntheticSeriesAreTheSyntheticCandlesMarket() throws {
        let instruments = try SyntheticSeries.instruments(count: 3)
        let series = try SyntheticSeries.generate(
            instruments: instruments, timeframe: .m5, start: Self.start, bars: 40, seed: 9, correlation: 0.3, parallelism: 2)
        var candles = SyntheticCandles(instruments: instruments, timeframe: .m5, start: Self.start, seed: 9, correlation: 0.3)
        let expected = candles.candles(count: 40)
        for bars in series {
            #expect((0..<bars.count).map(bars.candle) == expected[bars.symbol])
        }
    }

    @Test func theLiveDecisionPathTradesAndTheBooksBalance() throws {
        let market = try syntheticMarket(symbols: 4, bars: 3_000)
        let result = try macdRSI(market)
        #expect(result.trades.count > 10)
        #expect(result.bars == 12_000)
        // Every unit of the wallet is accounted for by fills and funding...
        let fills = result.fills.reduce(Int64(0)) { $0 + $1.realisedPnl - $1.fee }
        let funding = result.funding.reduce(Int64(0)) { $0 + $1.amount }
        #expect(try RoundTripTally.money(fills - funding) == (try result.finalBalance - Money(decimal("100000"))))
        // ...and, per symbol, its closed trades hold every fill and payment up to its last exit.
        for (symbol, trades) in Dictionary(grouping: result.trades, by: \.symbol) {
            let lastExit = trades.map(\.exitTime).max()!
            let fills = result.fills.filter { $0.symbol == symbol && $0.time <= lastExit }.reduce(Int64(0)) { $0 + $1.realisedPnl - $1.fee }
            let funding = result.funding.filter { $0.symbol == symbol && $0.time <= lastExit }.reduce(Int64(0)) { $0 + $1.amount }
            #expect(try trades.map(\.pnl).reduce(Money.zero) { try $0 + $1 } == (try RoundTripTally.money(fills - funding)), "\(symbol)")
        }
        // One equity point per moment bars close, and the start.
        #expect(result.equity.count == 3_001)
    }

    @Test func resultsDoNotDependOnTheNumberOfCores() throws {
        let market = try syntheticMarket(symbols: 3, bars: 2_000, parallelism: 1)
        let one = try macdRSI(market, parallelism: 1)
        let two = try macdRSI(market, parallelism: 2)
        #expect(one.trades == two.trades)
        #expect(one.equity == two.equity)
    }

    @Test func theTapesWeeksGiveTheIntentsOfTheWholeSeries() throws {
        // 15-minute bars from a Wednesday: nine weeks and a bit, the first and last partial.
        let market = try syntheticMarket(symbols: 2, bars: 6_000, parallelism: 1)
        var settings = StrategySettings()
        settings.trend = .init(enabled: true, timeframes: [.h4, .d1])
        func strategies() throws -> [MACDRSIStrategy] {
            try market.series.map {
                try MACDRSIStrategy(name: "tape", symbol: $0.symbol, timeframe: market.timeframe, tickSize: $0.price(1), settings: settings)
            }
        }
        var whole: [[Intent]] = []
        for (series, var strategy) in zip(market.series, try strategies()) {
            let signal = (0..<series.count).map(series.candle)
            whole.append(strategy.run(try signal + Resampler.resample(signal, to: .h4) + Resampler.resample(signal, to: .d1)))
        }
        #expect(whole.allSatisfy { $0.count >= 5 })
        for parallelism in [1, 2] {
            let tape = try SignalTape(market: market, strategies: try strategies(), parallelism: parallelism)
            #expect(tape.weeks == 10)
            var weekly = [[Intent]](repeating: [], count: market.series.count)
            for week in 0..<tape.weeks {
                for (index, intents) in try tape.take(week: week).enumerated() { weekly[index] += intents.reversed() }
            }
            #expect(weekly == whole, "parallelism \(parallelism)")
        }
    }

    @Test func theDataInstrumentHoldsTheFilesDecimals() throws {
        let symbol = try Symbol("BTCUSDT")
        let candle = try Candle(
            symbol: symbol, timeframe: .h1, openTime: Self.start, open: Price(decimal("8051")), high: Price(decimal("8056.83")),
            low: Price(decimal("8021.2")), close: Price(decimal("8035.88")), volume: Quantity(decimal("61.25123")), isClosed: true)
        let instrument = try DataInstrument.derive(symbol: symbol, candles: [candle])
        #expect(instrument.priceScale == 2)
        #expect(instrument.tickUnits == 1)
        #expect(instrument.qtyScale == 5)
        // Bybit's BTCUSDT step, 0.001, at five decimals.
        #expect(instrument.qtyStepUnits == 100)
        let series = try BarSeries(instrument: instrument, candles: [candle])
        #expect(series.candle(0) == candle)

        // Prices on Bybit's 0.10 tick trade on it, whatever decimals the file writes them with.
        let onTick = try Candle(
            symbol: symbol, timeframe: .h1, openTime: Self.start, open: Price(decimal("28600")), high: Price(decimal("28650.5")),
            low: Price(decimal("28550.50")), close: Price(decimal("28600.1")), volume: Quantity(decimal("1")), isClosed: true)
        let venueTick = try DataInstrument.derive(symbol: symbol, candles: [onTick])
        #expect(venueTick.priceScale == 2 && venueTick.tickUnits == 10)
        #expect(try BarSeries(instrument: venueTick, candles: [onTick]).closes == [2_860_01])
        let unknown = try DataInstrument.derive(symbol: try Symbol("FOOUSDT"), candles: [onTick])
        #expect(unknown.priceScale == 2 && unknown.tickUnits == 1)
    }

    /// Records the closes the loop reports.
    struct ClosingRecorder: BacktestDesk {
        var closes: [Symbol: [(time: Timestamp, bar: Int)]] = [:]

        mutating func onClose(
            at time: Timestamp, closing: [(series: Int, bar: Int)], market: BacktestMarket, trading: Bool, venue: inout BacktestVenue
        ) throws {
            for (series, bar) in closing { closes[market.series[series].symbol, default: []].append((time, bar)) }
        }
    }

    @Test func everyBarClosesAtItsOwnTimeWithGapsOrWithout() throws {
        let synthetic = try syntheticMarket(symbols: 2, bars: 40)
        let gapFree = synthetic.series[0]
        let candles = (0..<synthetic.series[1].count).map(synthetic.series[1].candle)
        let kept = candles.enumerated().filter { ![5, 6, 7, 20, 39].contains($0.offset) }.map(\.element)
        let gapped = try BarSeries(instrument: synthetic.series[1].instrument, candles: kept)
        #expect(gapFree.isGapFree && !gapped.isGapFree)
        #expect(gapped.slice(from: kept[8].openTime, to: kept[15].openTime).isGapFree)
        #expect(!gapped.slice(from: kept[0].openTime, to: kept[15].openTime).isGapFree)

        var recorder = ClosingRecorder()
        let result = try Backtester(market: try BacktestMarket([gapFree, gapped]), settings: VenueSettings(), startingEquity: Money(decimal("1000")))
            .run(&recorder)
        #expect(result.bars == 40 + 35)
        for series in [gapFree, gapped] {
            let closes = try #require(recorder.closes[series.symbol])
            #expect(closes.map(\.bar) == Array(0..<series.count))
            #expect(closes.map(\.time.milliseconds) == series.openTimes.map { $0 + Timeframe.m15.milliseconds })
        }
    }

    @Test func badRunSettingsAreRefusedByName() {
        #expect(throws: BacktestConfigurationError.self) { try BarRepairs(parsing: "sort,mend") }
        #expect(throws: BacktestConfigurationError.self) { try SlippageModel(parsing: "ticks:-1") }
        #expect(throws: BacktestConfigurationError.self) { try SlippageModel(parsing: "depth") }
        #expect(throws: BacktestConfigurationError.self) { try MarketSource.csv("BTCUSDT=") }
        #expect(throws: BacktestConfigurationError.self) { try BacktestMarket([]) }
        #expect((try? BarRepairs(parsing: "sort, fill-gaps")) == [.sort, .fillGaps])
    }
}
