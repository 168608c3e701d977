import Backtest
import Core
import ExchangeSimulator
import Foundation
import MarketData
import OrderManagement
import Store
import Testing

/// The same one-minute candles through the paper stack (simulator replay → marketdata →
/// signals → risk → execution, separate processes over a real broker, PostgreSQL and Redis)
/// and through the backtester with the stack's own configuration: the same intents, the same
/// decisions and the same trades.
///
/// Both sides fill market orders, stops and targets differently inside a minute (the simulator
/// walks its synthetic book along a 250 ms price path; the backtester takes one tick of slippage
/// on its three-leg path), so the scripted market decides on bars followed by flat ones and
/// reaches every stop and target with a gap: then the two differ only by the book walk, and
/// fill prices must agree within `priceTolerance`. Times agree to the minute (the stack's
/// orders arrive seconds into the minute after the deciding bar; the backtester's at its open).
@Suite("Paper/backtest parity", .serialized)
struct PaperBacktestParityTests {
    static let symbol = try! Symbol("BTCUSDT")
    static func minute(_ index: Int) -> Timestamp { ScriptedMarket.minute(index) }

    /// A market, the strategy's settings for it, how far the comparison runs and the
    /// decisions the backtester must make there (so a scenario cannot pass by deciding nothing).
    struct Scenario {
        var market: ScriptedMarket
        var strategy = ""
        /// The comparison covers bars opening before this.
        var compareBefore: Timestamp
        var decisions: DecisionCounts
    }

    /// `ScriptedMarket.crossingUpOnBar90`: a long on bar 90 (close 28 600). Flat at 28 600, then
    /// a gap to 29 100 takes its target (29 050). Four bars falling 200 cross MACD down on bar 99
    /// (close 28 300): a short. Flat, then a gap to 28 900 stops it out. The flat tail gives one
    /// more signal a few bars later, which risk refuses: the stop-out's cooldown.
    static let targetAndStop: Scenario = {
        var market = longOfBar90(thenStanding: [(2, 29_100)])
        market.moving(through: [28_900, 28_700, 28_500, 28_300])
        market.standing(3, at: 28_300)
        market.standing(600, at: 28_900)
        return Scenario(
            market: market, compareBefore: minute(110),
            decisions: DecisionCounts(intents: 3, approved: 2, rejected: ["stop_out_cooldown": 1]))
    }()

    /// The take-profit ladder: the long of bar 90 (entry 28 600, ATR 150) closes half at TP1
    /// (3 ATR, 29 050) and its stop moves to the entry; the final target (5 ATR, 29 350) is not
    /// reached. Flat at 28 600, a gap to 29 100 takes TP1, and a gap back to 28 500 stops the
    /// rest out at break-even.
    static let ladder = Scenario(
        market: longOfBar90(thenStanding: [(3, 29_100), (600, 28_500)]),
        strategy: "take_profit: {first_target_atr: 3, first_fraction: 0.5, break_even: true, final_target_atr: 5}",
        compareBefore: minute(98), decisions: oneLongApproved)

    /// The ladder with a trailing rest: TP1 (3 ATR, 29 050) closes half of the long of bar 90,
    /// then the rest trails the best price by 2 ATR (300). Gaps to 29 100 and 29 400 raise the
    /// trailing stop to 29 100; a gap to 28 900 takes it.
    static let trailing = Scenario(
        market: longOfBar90(thenStanding: [(3, 29_100), (3, 29_400), (600, 28_900)]),
        strategy: "take_profit: {first_target_atr: 3, first_fraction: 0.5, trailing: {enabled: true, mode: atr, atr_multiplier: 2}}",
        compareBefore: minute(101), decisions: oneLongApproved)

    /// A pullback entry: the long signal of bar 90 (close 28 600, ATR 150) waits for the price
    /// to come back half an ATR, to 28 525. Bar 94 dips to 28 520: the intent comes on its
    /// close, a limit buy at 28 525 that rests while bar 95 stands at 28 600 again; a gap to
    /// 28 500 fills it at its price, as maker, and a gap to 29 100 takes the target (3 ATR above
    /// the entry, 28 975).
    static let pullback = Scenario(
        market: longOfBar90(thenStanding: [(1, 28_520), (1, 28_600), (3, 28_500), (600, 29_100)]),
        strategy: "pullback: {enabled: true, size_atr: 0.5, timeout_bars: 5}, expiry_bars: 3",
        compareBefore: minute(101), decisions: oneLongApproved)

    /// `ScriptedMarket.crossingUpOnBar90`, then flat at 28 600 for the long's entry (bar 91) and
    /// two more bars, then each (bars, price) plateau in turn: every move a gap.
    static func longOfBar90(thenStanding plateaus: [(bars: Int, price: Int)]) -> ScriptedMarket {
        var market = ScriptedMarket.crossingUpOnBar90
        market.standing(3, at: 28_600)
        for plateau in plateaus { market.standing(plateau.bars, at: plateau.price) }
        return market
    }

    static let oneLongApproved = DecisionCounts(intents: 1, approved: 1)

    /// Play starts at bar 81 (100 s of market before the first decision at 6 market minutes a
    /// real one).
    static let playFrom = minute(81)
    /// The simulator's book: level n from the touch holds (n + 1 … n + 2) × 5 000 USDT, so a
    /// 100 000 USDT order walks about 6 ticks; ten ticks of BTCUSDT (0.10) bound the difference.
    static let priceTolerance = try! FixedPoint(parsing: "1.0")

    @Test func theBacktesterMakesThePaperStacksTrades() async throws {
        try await Self.compare(Self.targetAndStop)
    }

    @Test func theTakeProfitLadderTradesTheSameWay() async throws {
        try await Self.compare(Self.ladder)
    }

    @Test func aTrailingStopTradesTheSameWay() async throws {
        try await Self.compare(Self.trailing)
    }

    @Test func aPullbackEntryTradesTheSameWay() async throws {
        try await Self.compare(Self.pullback)
    }

    static func compare(_ scenario: Scenario) async throws {
        try await TradingStack.run(
            market: .init(csv: scenario.market.csv, start: "2026-01-05T01:21:00Z", speed: 6), symbols: [symbol.rawValue],
            strategy: scenario.strategy
        ) { stack in try await compare(stack, scenario) }
    }

    static func compare(_ stack: TradingStack, _ scenario: Scenario) async throws {
        let pool = PostgresPool(config: stack.stack.config.postgres)
        defer { Task { await pool.close() } }
        let candles = CandleStore(pool: pool)
        let compareBefore = scenario.compareBefore
        let lastBar = compareBefore.adding(milliseconds: -60_000)
        try await BusTesting.waitUntil("the stack to store the last compared candle", timeout: .seconds(600)) {
            try await !candles.candles(symbol: symbol, timeframe: .m1, from: lastBar, through: lastBar).isEmpty
        }

        // The backtest, on the candles marketdata stored, with the stack's configuration and the
        // simulator's account: 100 000 USDT, Bybit's fees, no funding inside the window.
        let stored = try await StoredBars.load(
            from: candles, symbol: symbol, timeframe: .m1, from: minute(0), through: compareBefore.adding(milliseconds: -1))
        let barCount = Int((compareBefore.milliseconds - minute(0).milliseconds) / 60_000)
        #expect(stored.candles.count == barCount)
        #expect(
            stored.candles.map { [$0.open, $0.high, $0.low, $0.close].map(\.value) }
                == scenario.market.bars.prefix(barCount).map { [$0.open, $0.high, $0.low, $0.close].map { FixedPoint(integer: Int64($0)) } },
            "the stack's candles are the replayed file's")
        let config = stack.stack.config
        let setup = BacktestSetup(
            sources: [.bars(stored, source: "the stack's candles")], timeframe: .m1, repairs: [], from: nil, to: nil,
            strategy: .macdRSI(config.signals.strategies[0], risk: config.risk, policy: ExecutionPolicy(config.execution)),
            venue: VenueSettings(slippage: .ticks(1)),
            startingEquity: Money(FixedPoint(integer: 100_000)), parallelism: 1)
        let backtest = try setup.run(on: try setup.load().market, tradingFrom: playFrom)
        let decided = try #require(backtest.decisions)
        #expect(decided == scenario.decisions, "the scripted market's decisions")

        // The stack decides the same intents the same way.
        try await BusTesting.waitUntil("risk to decide the compared intents", timeout: .seconds(120)) {
            try await liveDecisions(pool, before: compareBefore).intents >= decided.intents
        }
        try await Task.sleep(for: .seconds(2))
        let live = try await liveDecisions(pool, before: compareBefore)
        #expect(live == decided, "live \(live), backtest \(decided)")

        // And makes the same trades.
        let liveTrades = try FillRoundTrips.trades(try await liveFills(pool, before: compareBefore))
        print("[parity] backtest: \(backtest.trades.map(describe))")
        print("[parity] paper:    \(liveTrades.map(describe))")
        #expect(liveTrades.count == backtest.trades.count)
        for (paper, tested) in zip(liveTrades, backtest.trades) {
            #expect(paper.symbol == tested.symbol && paper.side == tested.side && paper.quantity == tested.quantity)
            #expect(minuteOf(paper.entryTime) == minuteOf(tested.entryTime), "entered in the same minute")
            #expect(minuteOf(paper.exitTime) == minuteOf(tested.exitTime), "exited in the same minute")
            #expect(try apart(paper.entryPrice.value, tested.entryPrice.value) <= priceTolerance)
            #expect(try apart(paper.exitPrice.value, tested.exitPrice.value) <= priceTolerance)
            let pnlTolerance = try paper.quantity.value.multiplied(by: try priceTolerance.adding(priceTolerance))
            #expect(try apart(paper.pnl.value, tested.pnl.value) <= pnlTolerance)
        }
    }

    /// Risk's decisions on the strategy's intents for candles before the compared end.
    static func liveDecisions(_ pool: PostgresPool, before compareBefore: Timestamp) async throws -> DecisionCounts {
        var counts = DecisionCounts()
        let rows = try await pool.execute("SELECT intent::text, approved, reason FROM risk_decisions").rows
        for row in rows {
            let intent = try JSONDecoder().decode(Intent.self, from: Data(try row.string(0).utf8))
            guard intent.candleTime < compareBefore else { continue }
            counts.intents += 1
            if try row.string(1) == "t" {
                counts.approved += 1
            } else {
                counts.rejected[try row.optionalString(2) ?? "", default: 0] += 1
            }
        }
        return counts
    }

    /// Every fill execution recorded before the compared end, in the venue's order.
    static func liveFills(_ pool: PostgresPool, before compareBefore: Timestamp) async throws -> [Fill] {
        let rows = try await pool.execute(
            """
            SELECT fill_id, venue_order_id, side, price::text, quantity::text, fee::text, is_maker, filled_at
            FROM exec_fills WHERE symbol = $1 AND filled_at < $2 ORDER BY filled_at, fill_id
            """, [symbol.rawValue, compareBefore.milliseconds]).rows
        return try rows.map { row in
            let side = try #require(Side(rawValue: try row.string(2)), "exec_fills side")
            return try Fill(
                id: try row.string(0), orderID: try row.string(1), symbol: symbol, side: side,
                price: try Price(parsing: try row.string(3)), quantity: try Quantity(parsing: try row.string(4)),
                fee: try Money(parsing: try row.string(5)), feeCurrency: "USDT", isMaker: try row.string(6) == "t",
                time: Timestamp(milliseconds: try row.int64(7)))
        }
    }

    static func minuteOf(_ time: Timestamp) -> Int64 { time.milliseconds / 60_000 }

    static func apart(_ a: FixedPoint, _ b: FixedPoint) throws -> FixedPoint {
        let difference = try a.subtracting(b)
        return difference.isNegative ? try difference.negated() : difference
    }

    static func describe(_ trade: BacktestTrade) -> String {
        "\(trade.side) \(trade.quantity) \(trade.entryTime)@\(trade.entryPrice) → \(trade.exitTime)@\(trade.exitPrice) pnl \(trade.pnl)"
    }
}
