import Config
import Core
import OrderManagement
import Risk
import Foundation
import Strategy

/// Everything one run needs, and running it: load the bars, build the desk, run the loop.
public struct BacktestSetup: Sendable {
    public enum StrategyChoice: Sendable {
        /// The configured MACD+RSI strategy through risk and execution's trade management.
        case macdRSI(StrategyInstanceConfig, risk: RiskSettings, policy: ExecutionPolicy)
        /// The reference strategy (`SMACrossDesk`).
        case smaCross(fast: Int, slow: Int)
    }

    public var sources: [MarketSource]
    public var timeframe: Timeframe
    public var repairs: BarRepairs
    public var from: Timestamp?
    public var to: Timestamp?
    public var strategy: StrategyChoice
    public var venue: VenueSettings
    public var startingEquity: Money
    public var parallelism: Int

    public init(
        sources: [MarketSource], timeframe: Timeframe, repairs: BarRepairs, from: Timestamp?, to: Timestamp?, strategy: StrategyChoice,
        venue: VenueSettings, startingEquity: Money, parallelism: Int
    ) {
        self.sources = sources
        self.timeframe = timeframe
        self.repairs = repairs
        self.from = from
        self.to = to
        self.strategy = strategy
        self.venue = venue
        self.startingEquity = startingEquity
        self.parallelism = parallelism
    }

    public func load() throws -> LoadedMarket {
        try LoadedMarket.load(sources, timeframe: timeframe, repairs: repairs, from: from, to: to, parallelism: parallelism)
    }

    public func run() throws -> BacktestResult { try run(on: try load().market) }

    /// Runs on bars already loaded (an optimiser loads once and runs many times); with
    /// `tradingFrom`, earlier bars only warm the strategy up.
    public func run(on market: BacktestMarket, tradingFrom: Timestamp? = nil) throws -> BacktestResult {
        let backtester = Backtester(market: market, settings: venue, startingEquity: startingEquity)
        switch strategy {
        case .smaCross(let fast, let slow):
            var desk = try SMACrossDesk(fast: fast, slow: slow)
            return try backtester.run(&desk, tradingFrom: tradingFrom)
        case .macdRSI(let instance, let risk, let policy):
            let strategies = try market.series.map { series in
                try MACDRSIStrategy(
                    name: instance.name, symbol: series.symbol, timeframe: market.timeframe, tickSize: series.price(1),
                    settings: instance.settings)
            }
            var desk = try StrategyDesk(market: market, strategies: strategies, risk: risk, policy: policy, parallelism: parallelism)
            var result = try backtester.run(&desk, tradingFrom: tradingFrom)
            result.decisions = desk.decisions
            return result
        }
    }
}

extension BarRepairs {
    /// `drop-bad-rows,sort,drop-duplicates,fill-gaps` or `all`; empty: none.
    public init(parsing text: String) throws {
        self = []
        let names: [String: BarRepairs] = [
            "drop-bad-rows": .dropBadRows, "sort": .sort, "drop-duplicates": .dropDuplicates, "fill-gaps": .fillGaps, "all": .all,
        ]
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let repair = names[name] else {
                throw BacktestConfigurationError(field: "repair", reason: "\(name) is not one of \(names.keys.sorted().joined(separator: ", "))")
            }
            insert(repair)
        }
    }
}

extension BacktestSetup {
    /// The run's settings as a report lists them.
    public var describedSettings: [(String, String)] {
        var settings: [(String, String)] = []
        switch strategy {
        case .smaCross(let fast, let slow): settings.append(("strategy", "sma-cross fast \(fast) slow \(slow)"))
        case .macdRSI(let instance, _, let policy):
            settings.append(("strategy", "macd-rsi \(instance.name)\(instance.preset.map { " (preset \($0))" } ?? "")"))
            settings.append(("entries", policy.postOnlyEntries ? "post-only limits when limit" : "limits may take"))
        }
        for source in sources {
            switch source {
            case .csv(let symbol, let path): settings.append(("data", "\(symbol) from \(path)"))
            case .bars(let bars, let source): settings.append(("data", "\(bars.symbol) from \(source)"))
            case .synthetic(let symbols, let bars, let seed, let correlation, _):
                settings.append(("data", "synthetic: \(symbols) symbols × \(bars) bars, seed \(seed), correlation \(correlation)"))
            }
        }
        settings += [
            ("timeframe", timeframe.label), ("repairs", repairs.isEmpty ? "none" : repairs.description),
            ("starting equity", "\(startingEquity) USDT"), ("maker / taker fee", "\(venue.makerFeeRate) / \(venue.takerFeeRate)"),
            ("slippage", venue.slippage.description), ("latency", "\(venue.latencyMs) ms"),
            ("participation", venue.participation.map { "\($0) of a bar's volume" } ?? "no limit"),
            ("funding", "\(venue.fundingRate) per 8 h"), ("maintenance margin", "\(venue.maintenanceMarginRate)"),
            ("intra-bar path", "open → nearer extreme → farther extreme → close; ties against the position"),
        ]
        return settings
    }
}
