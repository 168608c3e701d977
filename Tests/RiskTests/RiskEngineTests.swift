import Core
import Risk
import Testing

@Suite("Risk engine: the first rule set")
struct RiskEngineTests {
    let btc = try! Symbol("BTCUSDT")
    let eth = try! Symbol("ETHUSDT")
    let limits = InstrumentLimits(
        qtyStep: try! Quantity(parsing: "0.001"), minOrderQty: try! Quantity(parsing: "0.001"),
        minNotional: try! Money(parsing: "5"), maxLeverage: FixedPoint(integer: 100))

    func fp(_ text: String) -> FixedPoint { try! FixedPoint(parsing: text) }

    func entry(_ side: Side = .buy, symbol: Symbol? = nil, price: String = "60000", stop: String = "59000") throws -> Intent {
        let symbol = symbol ?? btc
        let time = Timestamp(milliseconds: 1_767_225_600_000)
        return try Intent(
            id: Intent.deriveID(strategy: "test", symbol: symbol, timeframe: .m15, candleTime: time, kind: .entry, side: side),
            strategy: "test", symbol: symbol, side: side, kind: .entry, referencePrice: Price(fp(price)),
            stopLoss: Price(fp(stop)), takeProfits: [], timeframe: .m15, candleTime: time, createdAt: time)
    }

    func exit(_ side: Side, price: String = "61000") throws -> Intent {
        let time = Timestamp(milliseconds: 1_767_229_200_000)
        return try Intent(
            id: Intent.deriveID(strategy: "test", symbol: btc, timeframe: .m15, candleTime: time, kind: .exit, side: side),
            strategy: "test", symbol: btc, side: side, kind: .exit, referencePrice: Price(fp(price)), stopLoss: nil,
            takeProfits: [], timeframe: .m15, candleTime: time, createdAt: time)
    }

    func long(_ symbol: Symbol, size: String = "0.1") throws -> Position {
        try Position(symbol: symbol, side: .buy, size: Quantity(fp(size)), averageEntryPrice: Price(fp("60000")),
                     realisedPnL: .zero, leverage: FixedPoint(integer: 5))
    }

    @Test func sizesSoTheStopLosesTheRiskFraction() throws {
        // 10,000 USDT × 1 % = 100 USDT at risk; 1,000 USDT stop distance → 0.1 BTC.
        let decision = try RiskEngine().decide(try entry(), portfolio: Portfolio(equity: Money(fp("10000")), positions: []), limits: limits)
        let approval = try #require(decision.approval)
        #expect(approval.quantity == Quantity(fp("0.1")))
        #expect(approval.riskAmount == Money(fp("100")))
        #expect(approval.notional == Money(fp("6000")))
        #expect(approval.leverage == FixedPoint(integer: 5) && !approval.reduceOnly && approval.notes.isEmpty)
    }

    @Test func quantityRoundsDownToTheStepSoRiskNeverExceedsTheBudget() throws {
        // 100 USDT / 700 USDT = 0.142857… → 0.142 BTC, risking 99.4 USDT.
        let decision = try RiskEngine().decide(try entry(stop: "59300"), portfolio: Portfolio(equity: Money(fp("10000")), positions: []), limits: limits)
        let approval = try #require(decision.approval)
        #expect(approval.quantity == Quantity(fp("0.142")))
        #expect(approval.riskAmount == Money(fp("99.4")))
    }

    @Test func marginCapsATightStop() throws {
        // A 10 USDT stop would size 10 BTC (600,000 notional); equity × 5 = 50,000 allows 0.833 BTC.
        let decision = try RiskEngine().decide(try entry(stop: "59990"), portfolio: Portfolio(equity: Money(fp("10000")), positions: []), limits: limits)
        let approval = try #require(decision.approval)
        #expect(approval.quantity == Quantity(fp("0.833")))
        #expect(approval.notes.count == 1)
        #expect(approval.notional <= Money(fp("50000")))
    }

    @Test func theVenuesLargestOrderCapsTheSize() throws {
        let capped = InstrumentLimits(
            qtyStep: limits.qtyStep, minOrderQty: limits.minOrderQty, minNotional: limits.minNotional,
            maxLeverage: limits.maxLeverage, maxOrderQty: Quantity(fp("0.5")))
        // 1 % of 10,000 over a 1,000 stop is 0.1 BTC: under the cap, untouched.
        #expect(try RiskEngine().decide(try entry(), portfolio: Portfolio(equity: Money(fp("10000")), positions: []), limits: capped)
            .approval?.quantity == Quantity(fp("0.1")))
        // A 100 stop sizes 0.833 BTC (margin); the venue takes at most 0.5.
        let decision = try RiskEngine().decide(try entry(stop: "59900"), portfolio: Portfolio(equity: Money(fp("10000")), positions: []), limits: capped)
        let approval = try #require(decision.approval)
        #expect(approval.quantity == Quantity(fp("0.5")))
        #expect(approval.notes.last == "qty 0.833 capped to 0.500, the largest order the venue takes")
    }

    @Test func leverageIsTheLowerOfTheRuleAndTheInstrument() throws {
        let low = InstrumentLimits(qtyStep: limits.qtyStep, minOrderQty: limits.minOrderQty, minNotional: limits.minNotional, maxLeverage: FixedPoint(integer: 2))
        let decision = try RiskEngine().decide(try entry(), portfolio: Portfolio(equity: Money(fp("10000")), positions: []), limits: low)
        #expect(decision.approval?.leverage == FixedPoint(integer: 2))
    }

    @Test func onePositionPerSymbol() throws {
        let portfolio = Portfolio(equity: Money(fp("10000")), positions: [try long(btc)])
        #expect(try RiskEngine().decide(try entry(), portfolio: portfolio, limits: limits).rejection == .positionExists)
        #expect(try RiskEngine().decide(try entry(symbol: eth, price: "3000", stop: "2900"), portfolio: portfolio, limits: limits).approval != nil)
    }

    @Test func maxConcurrentPositions() throws {
        let rules = try RiskRules(riskFraction: fp("0.01"), maxLeverage: FixedPoint(integer: 5), maxOpenPositions: 1)
        let portfolio = Portfolio(equity: Money(fp("10000")), positions: [try long(eth)])
        #expect(try RiskEngine(rules: rules).decide(try entry(), portfolio: portfolio, limits: limits).rejection == .maxOpenPositions)
    }

    @Test func tooSmallAnAccountIsRefusedWithTheMinimum() throws {
        // 10 USDT × 1 % = 0.1 USDT at risk over 1,000 → 0.0001 BTC, below 0.001.
        let decision = try RiskEngine().decide(try entry(), portfolio: Portfolio(equity: Money(fp("10")), positions: []), limits: limits)
        #expect(decision.rejection == .sizeBelowMinimum)
        #expect(try RiskEngine().decide(try entry(), portfolio: Portfolio(equity: .zero, positions: []), limits: limits).rejection == .insufficientEquity)
    }

    @Test func exitsCloseTheWholeOpenPositionReduceOnly() throws {
        let portfolio = Portfolio(equity: Money(fp("10000")), positions: [try long(btc, size: "0.25")])
        // An exit names the side of the position it closes: buy closes the long.
        let approval = try #require(try RiskEngine().decide(try exit(.buy), portfolio: portfolio, limits: limits).approval)
        #expect(approval.reduceOnly && approval.quantity == Quantity(fp("0.25")) && approval.riskAmount == .zero)
        #expect(try RiskEngine().decide(try exit(.sell), portfolio: portfolio, limits: limits).rejection == .noPosition)
        #expect(try RiskEngine().decide(try exit(.buy), portfolio: Portfolio(equity: Money(fp("10000")), positions: []), limits: limits).rejection == .noPosition)
    }

    @Test func rulesRefuseNonsense() {
        #expect(throws: RiskRulesError.self) { try RiskRules(riskFraction: .zero, maxLeverage: FixedPoint(integer: 5), maxOpenPositions: 3) }
        #expect(throws: RiskRulesError.self) { try RiskRules(riskFraction: fp("1.5"), maxLeverage: FixedPoint(integer: 5), maxOpenPositions: 3) }
        #expect(throws: RiskRulesError.self) { try RiskRules(riskFraction: fp("0.01"), maxLeverage: fp("0.5"), maxOpenPositions: 3) }
        #expect(throws: RiskRulesError.self) { try RiskRules(riskFraction: fp("0.01"), maxLeverage: FixedPoint(integer: 5), maxOpenPositions: 0) }
    }
}

@Suite("Portfolio tracker")
struct PortfolioTrackerTests {
    let btc = try! Symbol("BTCUSDT")

    func long(_ size: String) throws -> Position {
        try Position(symbol: btc, side: .buy, size: Quantity(parsing: size), averageEntryPrice: Price(parsing: "60000"),
                     realisedPnL: .zero, leverage: FixedPoint(integer: 5))
    }

    @Test func newerSnapshotsWinAndFlatPositionsLeave() throws {
        var tracker = PortfolioTracker()
        #expect(tracker.portfolio == nil)
        #expect(tracker.apply(equity: try Money(parsing: "1000"), at: Timestamp(milliseconds: 2)))
        #expect(!tracker.apply(equity: try Money(parsing: "5"), at: Timestamp(milliseconds: 1)))
        #expect(tracker.apply(try long("0.1"), sequence: 2))
        #expect(!tracker.apply(try long("0.5"), sequence: 1))
        #expect(tracker.portfolio?.positions[btc]?.size == (try Quantity(parsing: "0.1")))
        #expect(tracker.portfolio?.equity == (try Money(parsing: "1000")))
        #expect(tracker.apply(try Position.flat(symbol: btc, leverage: FixedPoint(integer: 5)), sequence: 3))
        #expect(tracker.portfolio?.positions.isEmpty == true)
    }
}
