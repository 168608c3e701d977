import Core
import Testing

@testable import Backtest

/// Hand-computed cases for the backtest venue, each to the smallest unit (0.01 price tick,
/// 10^-8 USDT). Instrument: tick 0.01, whole units; taker 0.055 %, maker 0.02 % unless set.
@Suite struct BacktestVenueTests {
    @Test func aMarketRoundTripPaysTakerFeesBothWays() throws {
        var venue = venue()
        try venue.submit(marketOrder("in", .buy, 10), at: at(hours: 1))
        try venue.run(hourBar(1, "100", "101", "99", "100.5"), symbol: testSymbol)
        try venue.submit(marketOrder("out", .sell, 10, reduceOnly: true), at: at(hours: 2))
        try venue.run(hourBar(2, "102", "103", "101", "102"), symbol: testSymbol)
        // In: 10 × 100.00 = 1000 USDT, fee 0.55. Out: 10 × 102.00 = 1020, fee 0.561. PnL 20.
        #expect(venue.fills.map(\.price) == [ticks("100"), ticks("102")])
        #expect(venue.fills.map(\.fee) == [usdt("0.55"), usdt("0.561")])
        #expect(venue.walletBalance == usdt("10000") + usdt("20") - usdt("0.55") - usdt("0.561"))
        let trade = try #require(venue.trades.first)
        #expect(trade.pnl == Money(decimal("18.889")))
        #expect(trade.fees == Money(decimal("1.111")))
        #expect(trade.entryPrice.value == decimal("100"))
        #expect(trade.exitPrice.value == decimal("102"))
    }

    @Test func makerFeeOnARestingLimit() throws {
        var venue = venue()
        try venue.submit(.place(VenueOrderRequest(
            clientID: "bid", symbol: testSymbol, side: .buy, qty: 7, kind: .limit(ticks("99.37"), postOnly: true),
            reduceOnly: false, leverageHundredths: 500)), at: at(hours: 1))
        try venue.run(hourBar(1, "100", "100.5", "99", "99.8"), symbol: testSymbol)
        // 7 × 99.37 = 695.59 USDT × 0.0002 = 0.139118.
        #expect(venue.fills.map(\.price) == [ticks("99.37")])
        #expect(venue.fills.map(\.fee) == [usdt("0.139118")])
        #expect(venue.fills.map(\.isMaker) == [true])
        #expect(venue.order("bid")?.status == .filled)
    }

    @Test func postOnlyThatWouldTakeIsRejected() throws {
        var venue = venue()
        try venue.submit(.place(VenueOrderRequest(
            clientID: "bid", symbol: testSymbol, side: .buy, qty: 1, kind: .limit(ticks("101"), postOnly: true), reduceOnly: false)),
            at: at(hours: 1))
        try venue.run(hourBar(1, "100", "102", "99", "100"), symbol: testSymbol)
        #expect(venue.order("bid")?.status == .rejected)
        #expect(venue.fills.isEmpty)
    }

    @Test(arguments: [
        ("ticks:3", "100.03"),
        ("fraction:0.0015", "100.15"),
        // 0.2 × (10 / 400) = 0.5 % of 100.00.
        ("volume:0.2", "100.50"),
    ])
    func slippageMovesATakerAgainstItself(model: String, expected: String) throws {
        var venue = venue(VenueSettings(slippage: try SlippageModel(parsing: model)))
        try venue.submit(marketOrder("in", .buy, 10), at: at(hours: 1))
        try venue.run(hourBar(1, "100", "101", "99", "100", volume: 400), symbol: testSymbol)
        #expect(venue.fills.map(\.price) == [ticks(expected)])
    }

    @Test func slippageRoundsToWholeTicksAgainstTheTaker() throws {
        // 0.0001 × 100.01 = 0.010001 → 2 ticks for a seller too.
        var venue = venue(VenueSettings(slippage: .fraction(decimal("0.0001"))))
        try venue.submit(marketOrder("in", .sell, 1), at: at(hours: 1))
        try venue.run(hourBar(1, "100.01", "101", "99", "100"), symbol: testSymbol)
        #expect(venue.fills.map(\.price) == [ticks("99.99")])
    }

    @Test func fundingSettlesAtTheEightHourBoundaries() throws {
        var venue = venue(VenueSettings(fundingRate: decimal("0.0001")))
        try venue.submit(marketOrder("in", .buy, 10), at: at(hours: 7))
        try venue.run(hourBar(7, "100", "101", "99", "100"), symbol: testSymbol)
        try venue.run(hourBar(8, "120", "121", "119", "120"), symbol: testSymbol)
        // At 08:00 the long pays 0.0001 × 10 × 120.00 = 0.12 USDT.
        #expect(venue.fundingPayments.map(\.amount) == [usdt("0.12")])
        #expect(venue.fundingPayments.map(\.time) == [at(hours: 8)])

        var short = BacktestTests.venue(VenueSettings(fundingRate: decimal("0.0001")))
        try short.submit(marketOrder("in", .sell, 10), at: at(hours: 15))
        try short.run(hourBar(15, "100", "101", "99", "100"), symbol: testSymbol)
        try short.run(hourBar(16, "99.99", "101", "99", "100"), symbol: testSymbol)
        // A short receives 0.0001 × 999.90 = 0.09999.
        #expect(short.fundingPayments.map(\.amount) == [-usdt("0.09999")])
        #expect(short.walletBalance == usdt("10000") - usdt("0.55") + usdt("0.09999"))
    }

    @Test func theExtremeNearerTheOpenComesFirst() throws {
        // Long from 100 with stop 95 and target 110. Low 94 is 6 away, high 111 is 11: stopped.
        var stopped = venue()
        try stopped.submit(marketOrder("in", .buy, 10, stop: "95", target: "110"), at: at(hours: 1))
        try stopped.run(hourBar(1, "100", "100", "100", "100"), symbol: testSymbol)
        try stopped.run(hourBar(2, "100", "111", "94", "105"), symbol: testSymbol)
        #expect(stopped.fills.last?.cause == .stopLoss)
        #expect(stopped.fills.last?.price == ticks("95"))

        // High 103 is 3 away, low 94 is 6: the target at 103 fills first.
        var target = venue()
        try target.submit(marketOrder("in", .buy, 10, stop: "95", target: "103"), at: at(hours: 1))
        try target.run(hourBar(1, "100", "100", "100", "100"), symbol: testSymbol)
        try target.run(hourBar(2, "100", "103", "94", "99"), symbol: testSymbol)
        #expect(target.fills.last?.cause == .takeProfit)
        #expect(target.fills.last?.price == ticks("103"))
    }

    @Test func equallyNearExtremesArePessimisticForThePosition() throws {
        var long = venue()
        try long.submit(marketOrder("in", .buy, 10, stop: "95", target: "105"), at: at(hours: 1))
        try long.run(hourBar(1, "100", "100", "100", "100"), symbol: testSymbol)
        try long.run(hourBar(2, "100", "105", "95", "100"), symbol: testSymbol)
        #expect(long.fills.last?.cause == .stopLoss)

        var short = venue()
        try short.submit(marketOrder("in", .sell, 10, stop: "105", target: "95"), at: at(hours: 1))
        try short.run(hourBar(1, "100", "100", "100", "100"), symbol: testSymbol)
        try short.run(hourBar(2, "100", "105", "95", "100"), symbol: testSymbol)
        #expect(short.fills.last?.cause == .stopLoss)
        #expect(short.fills.last?.price == ticks("105"))
    }

    @Test func aGapThroughTheStopFillsAtTheOpen() throws {
        var venue = venue()
        try venue.submit(marketOrder("in", .buy, 10, stop: "95"), at: at(hours: 1))
        try venue.run(hourBar(1, "100", "100", "100", "100"), symbol: testSymbol)
        try venue.run(hourBar(2, "93", "94", "92", "93"), symbol: testSymbol)
        #expect(venue.fills.last?.price == ticks("93"))
        // 10 × (93 − 100) = −70; fees 0.55 + 0.5115.
        #expect(venue.trades.first?.pnl == Money(decimal("-71.0615")))
    }

    @Test func liquidationAtTheBankruptcyPriceWithNoFee() throws {
        // 10x long from 100.00, maintenance 0.5 %: liquidation 90.50, bankruptcy 90.00.
        var venue = venue()
        try venue.submit(marketOrder("in", .buy, 10, leverage: 1000), at: at(hours: 1))
        try venue.run(hourBar(1, "100", "100", "100", "100"), symbol: testSymbol)
        try venue.run(hourBar(2, "99", "99", "90.49", "91"), symbol: testSymbol)
        let last = try #require(venue.fills.last)
        #expect(last.cause == .liquidation)
        #expect(last.price == ticks("90"))
        #expect(last.fee == 0)
        // The margin (100 USDT) is lost, plus the entry fee 0.55.
        #expect(venue.trades.first?.pnl == Money(decimal("-100.55")))
        #expect(venue.walletBalance == usdt("10000") - usdt("100.55"))
    }

    @Test func aStopAboveTheLiquidationPriceFillsFirst() throws {
        var venue = venue()
        try venue.submit(marketOrder("in", .buy, 10, leverage: 1000, stop: "91"), at: at(hours: 1))
        try venue.run(hourBar(1, "100", "100", "100", "100"), symbol: testSymbol)
        try venue.run(hourBar(2, "99", "99", "90", "91"), symbol: testSymbol)
        #expect(venue.fills.last?.cause == .stopLoss)
        #expect(venue.fills.last?.price == ticks("91"))
    }

    @Test func latencyFillsAtThePathPriceWhenTheOrderArrives() throws {
        // Path open 100 → low 99 (nearer) → high 110 → close 105, a leg per 20 minutes.
        for (latency, expected) in [(Int64(0), "100"), (20, "99"), (30, "104.50"), (40, "110"), (50, "107.50")] {
            var venue = venue(VenueSettings(latencyMs: latency * 60_000))
            try venue.submit(marketOrder("in", .buy, 1), at: at(hours: 1))
            try venue.run(hourBar(1, "100", "110", "99", "105"), symbol: testSymbol)
            #expect(venue.fills.map(\.price) == [ticks(expected)], "latency \(latency) min")
            #expect(venue.fills.map(\.time) == [at(hours: 1, minutes: latency)])
        }
    }

    @Test func participationSplitsARestingLimitOverBars() throws {
        var venue = venue(VenueSettings(participation: decimal("0.1")))
        try venue.submit(.place(VenueOrderRequest(
            clientID: "bid", symbol: testSymbol, side: .buy, qty: 10, kind: .limit(ticks("99"), postOnly: false),
            reduceOnly: false)), at: at(hours: 1))
        try venue.run(hourBar(1, "100", "100", "98", "99", volume: 60), symbol: testSymbol)
        #expect(venue.order("bid")?.status == .partiallyFilled)
        #expect(venue.order("bid")?.filled == 6)
        try venue.run(hourBar(2, "100", "100", "98", "99", volume: 60), symbol: testSymbol)
        #expect(venue.order("bid")?.status == .filled)
        #expect(venue.fills.map(\.qty) == [6, 4])
        // 6 × 99 × 0.0002 = 0.1188; 4 × 99 × 0.0002 = 0.0792.
        #expect(venue.fills.map(\.fee) == [usdt("0.1188"), usdt("0.0792")])
    }

    @Test func aTrailingStopFollowsTheBestPrice() throws {
        var venue = venue()
        try venue.submit(marketOrder("in", .buy, 10), at: at(hours: 1))
        try venue.submit(.setTrailingStop(testSymbol, distance: ticks("2")), at: at(hours: 1))
        // Path: 100 → 103 (nearer) → 95 → 96. Best 103, so it stops at 101.00.
        try venue.run(hourBar(1, "100", "103", "95", "96"), symbol: testSymbol)
        #expect(venue.fills.last?.cause == .trailingStop)
        #expect(venue.fills.last?.price == ticks("101"))
    }

    @Test func reduceOnlyOrdersAreCancelledOnceThePositionIsGone() throws {
        var venue = venue()
        try venue.submit(marketOrder("in", .buy, 10, stop: "95"), at: at(hours: 1))
        try venue.submit(.place(VenueOrderRequest(
            clientID: "tp1", symbol: testSymbol, side: .sell, qty: 5, kind: .limit(ticks("110"), postOnly: false),
            reduceOnly: true)), at: at(hours: 1))
        try venue.run(hourBar(1, "100", "101", "99", "100"), symbol: testSymbol)
        #expect(venue.order("tp1")?.status == .new)
        try venue.run(hourBar(2, "100", "101", "94", "96"), symbol: testSymbol)
        #expect(venue.order("tp1")?.status == .cancelled)
        #expect(venue.isActive(book: 0) == false)
    }
}
