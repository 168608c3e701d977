import Core
import Testing

@testable import Backtest

@Suite("Backtest metrics: trade statistics")
struct TradeStatisticsTests {
    /// A ten-hour curve, and four trades: a BTC win and an overlapping BTC loss, an ETH win
    /// and an ETH trade at exactly zero.
    let equity = curve([(0, "1000"), (10 * hour, "1085.5")])
    let trades = [
        trade("BTCUSDT", .buy, hours: 0...2, pnl: "100", fees: "2", funding: "1"),
        trade("BTCUSDT", .sell, hours: 1...3, pnl: "-40", fees: "1.5", funding: "-0.5"),
        trade("ETHUSDT", .buy, hours: 5...6, pnl: "25.5", fees: "0.5", funding: "0"),
        trade("ETHUSDT", .buy, hours: 8...9, pnl: "0", fees: "1", funding: "0"),
    ]

    @Test func totalsOverEveryTrade() throws {
        let total = try BacktestMetrics(equity: equity, trades: trades).total
        #expect(total.trades == 4)
        #expect(total.wins == 2)
        #expect(total.losses == 1)
        #expect(total.winRate == 0.5)
        #expect(total.grossProfit == money("125.5"))
        #expect(total.grossLoss == money("40"))
        #expect(total.netProfit == money("85.5"))
        #expect(total.profitFactor == 3.1375)
        #expect(total.expectancy == money("21.375"))
        #expect(total.averageWin == money("62.75"))
        #expect(total.averageLoss == money("-40"))
        #expect(total.fees == money("5"))
        #expect(total.funding == money("0.5"))
        // Open during 0–3 h (the BTC trades overlap), 5–6 h and 8–9 h: 5 of 10 hours.
        #expect(total.exposureMilliseconds == 5 * hour)
        #expect(total.exposure == 0.5)
    }

    @Test func perSymbol() throws {
        let bySymbol = try BacktestMetrics(equity: equity, trades: trades).bySymbol
        #expect(bySymbol.count == 2)
        let btc = try #require(bySymbol[try Symbol("BTCUSDT")])
        #expect(btc.trades == 2)
        #expect(btc.winRate == 0.5)
        #expect(btc.netProfit == money("60"))
        #expect(btc.profitFactor == 2.5)
        #expect(btc.expectancy == money("30"))
        #expect(btc.averageWin == money("100"))
        #expect(btc.averageLoss == money("-40"))
        #expect(btc.fees == money("3.5"))
        #expect(btc.funding == money("0.5"))
        #expect(btc.exposure == 0.3)
        let eth = try #require(bySymbol[try Symbol("ETHUSDT")])
        #expect(eth.trades == 2)
        #expect(eth.wins == 1)
        #expect(eth.losses == 0)
        #expect(eth.winRate == 0.5)
        #expect(eth.expectancy == money("12.75"))
        #expect(eth.averageLoss == nil)
        #expect(eth.exposure == 0.2)
    }

    @Test func noLossesLeavesTheProfitFactorUndefined() throws {
        let eth = try #require(try BacktestMetrics(equity: equity, trades: trades).bySymbol[try Symbol("ETHUSDT")])
        #expect(eth.grossLoss == .zero)
        #expect(eth.profitFactor == nil)
    }

    @Test func noTrades() throws {
        let metrics = try BacktestMetrics(equity: equity, trades: [])
        #expect(metrics.bySymbol.isEmpty)
        let total = metrics.total
        #expect(total.trades == 0)
        #expect(total.winRate == nil)
        #expect(total.profitFactor == nil)
        #expect(total.expectancy == nil)
        #expect(total.averageWin == nil)
        #expect(total.averageLoss == nil)
        #expect(total.netProfit == .zero)
        #expect(total.fees == .zero)
        #expect(total.exposure == 0)
    }

    @Test func averagesRoundToEightDecimals() throws {
        let thirds = [
            trade("BTCUSDT", .buy, hours: 0...1, pnl: "1", fees: "0", funding: "0"),
            trade("BTCUSDT", .buy, hours: 1...2, pnl: "0.5", fees: "0", funding: "0"),
            trade("BTCUSDT", .buy, hours: 2...3, pnl: "0.5", fees: "0", funding: "0"),
        ]
        let total = try BacktestMetrics(equity: equity, trades: thirds).total
        #expect(total.expectancy == money("0.66666667"))
    }

    @Test func exposureCountsOnlyTimeInsideTheCurve() throws {
        let early = [trade("BTCUSDT", .buy, hours: 0...4, pnl: "1", fees: "0", funding: "0")]
        let total = try BacktestMetrics(equity: curve([(2 * hour, "1000"), (6 * hour, "1001")]), trades: early).total
        #expect(total.exposureMilliseconds == 2 * hour)
        #expect(total.exposure == 0.5)
    }

    @Test func aTradeCannotExitBeforeItEnters() {
        #expect(throws: RecordValidationError.self) {
            try BacktestTrade(
                symbol: try Symbol("BTCUSDT"), side: .buy, entryTime: Timestamp(milliseconds: 2), exitTime: Timestamp(milliseconds: 1),
                entryPrice: try Price(parsing: "1"), exitPrice: try Price(parsing: "1"), quantity: try Quantity(parsing: "1"),
                fees: .zero, funding: .zero, pnl: .zero)
        }
    }
}
