import ArgumentParser
import Backtest
import Core
import Foundation

/// The options of a parameter search.
struct SearchOptions: ParsableArguments {
    @Option(help: "A parameter range: NAME=LOW:HIGH:STEP or NAME=a,b,c (repeatable).") var param: [String] = []
    @Option(help: "grid, random:N or bayesian:N.") var search: String = "grid"
    @Option(help: "Objective: sharpe, sortino, calmar, total-return or profit-factor:MIN_TRADES.") var objective: String = "sharpe"
    @Option(help: "Seed of random and bayesian searches.") var searchSeed: UInt64 = 1
    @Option(help: "Backtests run at once (default: all cores).") var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func space(for setup: BacktestSetup) throws -> ParameterSpace {
        guard !param.isEmpty else { throw ValidationError("give at least one --param NAME=LOW:HIGH:STEP") }
        let space = try ParameterSpace(specs: param, constraint: BacktestSetup.parameterConstraint)
        try setup.checkParameters(space.dimensions.map(\.name))
        return space
    }
}

/// `keel optimize`: the best strategy and risk parameters for one period of data.
struct OptimizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimize",
        abstract: "Searches strategy and risk parameters (grid, random or Bayesian) on backtests, on all cores, resumably.",
        discussion: "Parameters: sma-cross: fast, slow; macd-rsi: \(BacktestSetup.parameterNames["macd-rsi"]!.joined(separator: ", ")).")

    @OptionGroup var config: ConfigOptions
    @OptionGroup var options: BacktestRunOptions
    @OptionGroup var searchOptions: SearchOptions
    @Option(help: "A journal to resume from and record to.") var journal: String?
    @Option(help: "Rows of the ranking to print.") var top: Int = 10

    func run() async throws {
        var setup = try await options.setup(config.load())
        let market = try setup.load().market
        setup.parallelism = 1
        let single = setup
        let objective = try OptimisationObjective(parsing: searchOptions.objective)
        let optimiser = try Optimiser(
            space: try searchOptions.space(for: setup), search: try ParameterSearch(parsing: searchOptions.search, seed: searchOptions.searchSeed),
            objective: objective, parallelism: searchOptions.jobs, journalPath: journal)
        let report = try await optimiser.run { point in try single.applying(point).run(on: market).metrics() }
        print("\(report.ranking.count) point(s)\(report.resumed > 0 ? ", \(report.resumed) from the journal" : ""), best \(objective.name) first:")
        for evaluation in report.ranking.prefix(top) {
            let score = evaluation.score.map { String(format: "%.4f", $0) } ?? (evaluation.error.map { "failed: \($0)" } ?? "does not qualify")
            print("  \(score)  trades \(evaluation.metrics?.trades ?? 0)  \(evaluation.point.key)")
        }
    }
}

/// `keel walkforward`: optimise in-sample, test out-of-sample, window after window.
struct WalkForwardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "walkforward",
        abstract: "Walk-forward analysis: optimise on each in-sample window, test on the next, stitch the out-of-sample equity.")

    @OptionGroup var config: ConfigOptions
    @OptionGroup var options: BacktestRunOptions
    @OptionGroup var searchOptions: SearchOptions
    @Option(help: "Bars in each in-sample window.") var inSample: Int = 4_320
    @Option(help: "Bars in each out-of-sample window.") var outOfSample: Int = 1_440
    @Flag(help: "Anchored windows (every in-sample window starts at the first bar) instead of rolling.") var anchored = false
    @Option(help: "Bars fed to the strategy before each out-of-sample window.") var warmUp: Int = 200
    @Option(help: "Directory for the report and the windows' journals.") var out: String = ".keel/reports/walkforward"

    func run() async throws {
        let setup = try await options.setup(config.load())
        let market = try setup.load().market
        let objective = try OptimisationObjective(parsing: searchOptions.objective)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let walk = WalkForward(
            plan: try WalkForwardPlan(inSampleBars: inSample, outOfSampleBars: outOfSample, anchored: anchored, warmUpBars: warmUp),
            space: try searchOptions.space(for: setup), search: try ParameterSearch(parsing: searchOptions.search, seed: searchOptions.searchSeed),
            objective: objective, parallelism: searchOptions.jobs, journalDirectory: out)
        let result = try await walk.run(setup, on: market, progress: true)
        for line in WalkForwardSummary.windowLines(result, objective: objective) { print(line) }
        let metrics = try result.metrics()
        print("")
        print("stitched out-of-sample:")
        for line in BacktestSummary.lines(metrics, bars: 0, ruinedAt: nil).dropFirst() { print(line) }
        let report = BacktestReport(
            title: "walk-forward (\(anchored ? "anchored" : "rolling"), \(inSample)/\(outOfSample) bars)",
            settings: setup.describedSettings + [("objective", objective.name), ("search", searchOptions.search)]
                + WalkForwardSummary.reportRows(result, objective: objective),
            metrics: metrics, equity: result.equity, trades: result.trades, bars: market.chartBars())
        try report.write(to: URL(fileURLWithPath: out))
        print("report: \(out)/\(BacktestReport.fileNames.html)")
    }
}
