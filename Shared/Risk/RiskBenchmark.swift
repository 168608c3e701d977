import Config
import Core

/// `keel bench risk`: the pure engine deciding intents against a large portfolio — no I/O, no
/// PostgreSQL, no Kafka (the service adds one transaction and one publish per decision).
///
/// The portfolio has `symbols` instruments, each with a mark, a volatility and `returns` candle
/// returns (so the correlation rule compares the candidate with every open position), and open
/// positions on `openPositions` of them; limits are set wide so most entries go through every
/// rule. Intents are entries on random symbols (some already open, so refused) and one exit in ten.
public struct RiskBenchmark: Sendable {
    public struct Result: Sendable {
        public let decisions: Int
        public let approved: Int
        public let seconds: Double
        /// Per-decision latencies, nanoseconds, sorted.
        public let latencies: [UInt64]

        public var perSecond: Double { Double(decisions) / seconds }
        public func percentile(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            let index = min(latencies.count - 1, Int((Double(latencies.count) * p).rounded(.up)) - 1)
            return Double(latencies[max(index, 0)]) / 1000
        }
    }

    public let symbols: Int
    public let openPositions: Int
    public let returns: Int
    public let seed: UInt64

    public init(symbols: Int = 300, openPositions: Int = 150, returns: Int = 50, seed: UInt64 = 42) {
        self.symbols = max(symbols, 2)
        self.openPositions = min(max(openPositions, 0), self.symbols - 1)
        self.returns = max(returns, 3)
        self.seed = seed
    }

    /// Decides `decisions` intents, timing each with `now()` (a monotonic nanosecond clock).
    public func run(decisions: Int, now: () -> UInt64) throws -> Result {
        var random = SplitMix64(seed: seed)
        func next() -> UInt64 { random.next() }
        func unit() -> Double { random.unit() }

        var settings = RiskSettings()
        settings.exposure.maxOpenPositions = symbols
        settings.exposure.maxTotalNotional = FixedPoint(integer: 1000)
        settings.exposure.maxClusterNotional = FixedPoint(integer: 1000)
        settings.exposure.correlationWindow = returns
        settings.exposure.correlationMinSamples = min(20, returns)
        let engine = RiskEngine(settings: settings)
        let now0 = Timestamp(milliseconds: 1_767_225_600_000)
        let limits = InstrumentLimits(
            qtyStep: try Quantity(parsing: "0.001"), minOrderQty: try Quantity(parsing: "0.001"), minNotional: try Money(parsing: "5"),
            maxLeverage: FixedPoint(integer: 50))

        var names: [Symbol] = []
        var prices: [FixedPoint] = []
        var market: [Symbol: MarketState] = [:]
        let factor = (0..<returns).map { _ in unit() - 0.5 }
        for index in 0..<symbols {
            let symbol = try Symbol("S\(index)USDT")
            let price = FixedPoint(integer: Int64(10 + next() % 50_000))
            let loading = unit()
            names.append(symbol)
            prices.append(price)
            market[symbol] = MarketState(
                mark: Price(price), markTime: now0, atrFraction: 0.002 + unit() * 0.02,
                returns: factor.map { loading * $0 * 0.02 + (1 - loading) * (unit() - 0.5) * 0.02 }, returnsEnd: now0)
        }
        var positions: [Position] = []
        for index in 0..<openPositions {
            positions.append(try Position(
                symbol: names[index], side: index % 2 == 0 ? .buy : .sell, size: try Quantity(parsing: "0.01"),
                averageEntryPrice: Price(prices[index]), realisedPnL: .zero, leverage: FixedPoint(integer: 3)))
        }
        var trades: [ClosedTrade] = []
        for index in 0..<30 {
            trades.append(ClosedTrade(
                symbol: names[index % symbols], pnl: Money(FixedPoint(integer: index % 3 == 0 ? -50 : 80)),
                closedAt: Timestamp(milliseconds: now0.milliseconds - 10_000_000 + Int64(index)), stoppedOut: false))
        }
        let context = RiskContext(
            portfolio: Portfolio(equity: Money(FixedPoint(integer: 1_000_000)), positions: positions), limits: limits, market: market,
            account: AccountState(equityPeak: Money(FixedPoint(integer: 1_050_000)), dayStartEquity: Money(FixedPoint(integer: 1_010_000)),
                                  closedTrades: trades),
            now: now0)

        // The intents, built before timing.
        var intents: [Intent] = []
        intents.reserveCapacity(decisions)
        let candle = Timestamp(milliseconds: now0.milliseconds - 900_000)
        for index in 0..<decisions {
            let slot = Int(next() % UInt64(symbols))
            let symbol = names[slot]
            let price = prices[slot]
            if index % 10 == 9, slot < openPositions {
                intents.append(try Intent(
                    id: "bench-\(index)", strategy: "bench", symbol: symbol, side: slot % 2 == 0 ? .buy : .sell, kind: .exit,
                    referencePrice: Price(price), stopLoss: nil, takeProfits: [], timeframe: .m15, candleTime: candle, createdAt: now0))
            } else {
                let side: Side = next() % 2 == 0 ? .buy : .sell
                let distance = try price.multiplied(by: FixedPoint(units: Int64(5 + next() % 40), scale: 3), scale: 4, rounding: .towardZero)
                let stop = side == .buy ? try price.subtracting(distance) : try price.adding(distance)
                intents.append(try Intent(
                    id: "bench-\(index)", strategy: "bench", symbol: symbol, side: side, kind: .entry, referencePrice: Price(price),
                    stopLoss: Price(stop), takeProfits: [], timeframe: .m15, candleTime: candle, createdAt: now0))
            }
        }

        var latencies = [UInt64](repeating: 0, count: decisions)
        var approved = 0
        let start = now()
        for (index, intent) in intents.enumerated() {
            let before = now()
            let assessment = engine.assess(intent, context: context)
            latencies[index] = now() - before
            if assessment.decision.approval != nil { approved += 1 }
        }
        let seconds = Double(now() - start) / 1e9
        latencies.sort()
        return Result(decisions: decisions, approved: approved, seconds: seconds, latencies: latencies)
    }
}
