import ArgumentParser
import Backtest
import Config
import Core
import Foundation
import MarketData
import OrderManagement
import Store
import Strategy

/// `keel backtest`: one run of a strategy over CSV or synthetic bars on the backtest venue.
struct BacktestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Backtests a strategy on OHLCV bars with the live strategy, risk and order-management code.",
        discussion: """
            Data: --csv SYMBOL=PATH (repeatable; default the shipped BTC/USD hourly bars, $KEEL_MARKET_DATA), \
            --stored SYMBOL (the candles marketdata stored in PostgreSQL, from --from) or --synthetic-symbols N. Strategy: macd-rsi (the configured strategy, risk and execution \
            settings from --config) or sma-cross (the reference: long only, next-open fills, all equity). \
            Bad data is refused with its file and line unless --repair names the fix.
            """)

    @OptionGroup var config: ConfigOptions
    @OptionGroup var options: BacktestRunOptions

    @Option(help: "Directory for report.html, trades.csv, equity.csv and result.json.") var out: String = ".keel/reports/backtest"
    @Flag(help: "Also save the run in PostgreSQL (backtest_runs), to compare with live.") var store = false
    @Option(help: "A label for the run.") var label: String = "backtest"

    func run() async throws {
        let config = try config.load()
        let setup = try await options.setup(config)
        let loaded = try setup.load()
        for issue in loaded.issues { print("repaired: \(issue)") }
        let result = try setup.run(on: loaded.market)
        let metrics = try result.metrics()
        for line in BacktestSummary.lines(metrics, bars: result.bars, ruinedAt: result.ruinedAt) { print(line) }
        if let decisions = result.decisions { print(BacktestSummary.decisions(decisions)) }
        let report = BacktestReport(
            title: label, settings: setup.describedSettings, metrics: metrics, equity: result.equity, trades: result.trades,
            bars: loaded.market.chartBars())
        try report.write(to: URL(fileURLWithPath: out))
        print("report: \(out)/\(BacktestReport.fileNames.html)")
        if store {
            let pool = PostgresPool(config: config.postgres, applicationName: "keel-backtest", logger: cliLogger("keel.backtest"))
            do {
                let id = try await BacktestRunStore(pool: pool).save(report, strategy: options.strategy)
                print("stored as backtest run \(id)")
            } catch {
                await pool.close()
                throw error
            }
            await pool.close()
        }
    }
}

/// The options every backtesting command shares: data, strategy, venue costs.
struct BacktestRunOptions: ParsableArguments {
    @Option(help: "An OHLCV CSV as SYMBOL=PATH (repeatable).") var csv: [String] = []
    @Option(help: "A symbol whose candles marketdata stored in PostgreSQL (repeatable; needs --from).") var stored: [String] = []
    @Option(help: "Run on this many synthetic symbols instead of CSV data.") var syntheticSymbols: Int?
    @Option(help: "Bars per synthetic symbol.") var syntheticBars: Int = 105_120
    @Option(help: "Seed of the synthetic market.") var seed: UInt64 = 42
    @Option(help: "Correlation of the synthetic symbols (0...1).") var correlation: Double = 0.5
    @Option(help: "The bars' timeframe (the strategy's signal timeframe).") var timeframe: String = "1h"
    @Option(help: "First bar's open time, e.g. 2020-01-01 (UTC).") var from: String?
    @Option(help: "Bars opening before this time only.") var to: String?
    @Option(help: "Repairs for bad data: drop-bad-rows, sort, drop-duplicates, fill-gaps, all (comma-separated).") var repair: String = ""
    @Option(help: "macd-rsi or sma-cross.") var strategy: String = "macd-rsi"
    @Option(help: "The configured strategy instance to run (default: the first).") var strategyName: String?
    @Option(help: "sma-cross: the fast average's bars.") var fast: Int = 10
    @Option(help: "sma-cross: the slow average's bars.") var slow: Int = 30
    @Option(help: "Starting equity, USDT.") var equity: String = "10000"
    @Option(help: "Maker fee rate.") var makerFee: String = "0.0002"
    @Option(help: "Taker fee rate (sma-cross's commission).") var takerFee: String = "0.00055"
    @Option(help: "Slippage: none, ticks:N, fraction:F or volume:K.") var slippage: String = "none"
    @Option(help: "Milliseconds from a decision to the venue acting on it.") var latencyMs: Int64 = 0
    @Option(help: "Most of a bar's volume a resting limit fills per bar (default: no limit).") var participation: String?
    @Option(help: "Funding rate per 8 hours (positive: longs pay).") var fundingRate: String = "0.0001"
    @Option(help: "Cores for the strategies (default: all).") var parallelism: Int = ProcessInfo.processInfo.activeProcessorCount

    func setup(_ config: KeelConfig) async throws -> BacktestSetup {
        do {
            let timeframe = try Timeframe.parse(timeframe)
            let sources: [MarketSource] = if let symbols = syntheticSymbols {
                [.synthetic(symbols: symbols, bars: syntheticBars, seed: seed, correlation: correlation, start: try Self.time(from ?? "2025-01-01"))]
            } else {
                try (csv.isEmpty && stored.isEmpty ? [Self.defaultCSV()] : csv).map(MarketSource.csv)
                    + (try await storedSources(config, timeframe: timeframe))
            }
            let venue = VenueSettings(
                makerFeeRate: try Self.decimal(makerFee, "maker-fee"), takerFeeRate: try Self.decimal(takerFee, "taker-fee"),
                slippage: try SlippageModel(parsing: slippage), latencyMs: latencyMs,
                participation: try participation.map { try Self.decimal($0, "participation") },
                fundingRate: try Self.decimal(fundingRate, "funding-rate"))
            let choice: BacktestSetup.StrategyChoice = switch strategy {
            case "sma-cross": .smaCross(fast: fast, slow: slow)
            case "macd-rsi": .macdRSI(try instance(config), risk: config.risk, policy: ExecutionPolicy(config.execution))
            default: throw BacktestConfigurationError(field: "strategy", reason: "\(strategy) is not macd-rsi or sma-cross")
            }
            return BacktestSetup(
                sources: sources, timeframe: timeframe, repairs: try BarRepairs(parsing: repair),
                from: try (syntheticSymbols == nil ? from : nil).map(Self.time), to: try to.map(Self.time),
                strategy: choice, venue: venue, startingEquity: Money(try Self.decimal(equity, "equity")), parallelism: parallelism)
        } catch let error as BacktestConfigurationError {
            throw ValidationError("\(error)")
        }
    }

    /// `--stored` symbols' candles from PostgreSQL, checked (and repaired) like a file's bars.
    private func storedSources(_ config: KeelConfig, timeframe: Timeframe) async throws -> [MarketSource] {
        guard !stored.isEmpty else { return [] }
        guard let from else { throw BacktestConfigurationError(field: "from", reason: "--stored needs --from, the first bar's open time") }
        let first = try Self.time(from)
        let through = try to.map { try Self.time($0).adding(milliseconds: -1) } ?? Timestamp.systemNow()
        let symbols = try stored.map { text in
            do { return try Symbol(text) } catch { throw BacktestConfigurationError(field: "stored", reason: "\(text) is not a symbol: \(error)") }
        }
        let pool = PostgresPool(config: config.postgres, applicationName: "keel-backtest", logger: cliLogger("keel.backtest"))
        do {
            var sources: [MarketSource] = []
            for symbol in symbols {
                let bars = try await StoredBars.load(
                    from: CandleStore(pool: pool), symbol: symbol, timeframe: timeframe, from: first, through: through,
                    repairs: try BarRepairs(parsing: repair))
                sources.append(.bars(bars, source: "PostgreSQL candles \(symbol) \(timeframe.label)"))
            }
            await pool.close()
            return sources
        } catch {
            await pool.close()
            throw error
        }
    }

    private func instance(_ config: KeelConfig) throws -> StrategyInstanceConfig {
        let instances = config.signals.strategies
        guard let found = strategyName.map({ name in instances.first { $0.name == name } }) ?? instances.first else {
            throw BacktestConfigurationError(
                field: "strategy-name", reason: "\(strategyName ?? "") is not configured; configured: \(instances.map(\.name).joined(separator: ", "))")
        }
        return found
    }

    static func defaultCSV() -> String {
        let environment = ProcessInfo.processInfo.environment
        return "BTCUSDT=" + (environment["KEEL_MARKET_DATA"] ?? ".keel/data/Coinbase_BTCUSD_1h.csv")
    }

    static func decimal(_ text: String, _ field: String) throws -> FixedPoint {
        guard let value = try? FixedPoint(parsing: text), !value.isNegative else {
            throw BacktestConfigurationError(field: field, reason: "\(text) is not a non-negative decimal")
        }
        return value
    }

    /// `2020-01-01` or `2020-01-01T08:00:00Z`, UTC.
    static func time(_ text: String) throws -> Timestamp {
        let formatter = ISO8601DateFormatter()
        let date = formatter.date(from: text) ?? formatter.date(from: text + "T00:00:00Z")
        guard let date else { throw BacktestConfigurationError(field: "time", reason: "\(text) is not a date like 2020-01-01 or 2020-01-01T08:00:00Z") }
        return Timestamp(milliseconds: Int64(date.timeIntervalSince1970 * 1000))
    }
}
