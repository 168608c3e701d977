import Core
import Foundation

/// Walk-forward analysis: for each window, optimise on the in-sample bars, run the best point
/// on the out-of-sample bars (after `warmUpBars` of warm-up, starting from the equity the
/// previous window ended with), and stitch the out-of-sample runs into one curve. The time
/// axis is the first symbol's bars.
public struct WalkForward: Sendable {
    public let plan: WalkForwardPlan
    public let space: ParameterSpace
    public let search: ParameterSearch
    public let objective: OptimisationObjective
    public let parallelism: Int
    /// Where each window's optimisation journal goes (resumable), nil for none.
    public let journalDirectory: String?

    public init(
        plan: WalkForwardPlan, space: ParameterSpace, search: ParameterSearch, objective: OptimisationObjective, parallelism: Int,
        journalDirectory: String?
    ) {
        self.plan = plan
        self.space = space
        self.search = search
        self.objective = objective
        self.parallelism = parallelism
        self.journalDirectory = journalDirectory
    }

    public func run(_ setup: BacktestSetup, on market: BacktestMarket, progress: Bool) async throws -> WalkForwardResult {
        let axis = market.series[0].openTimes
        let windows = try plan.windows(bars: axis.count)
        func time(_ index: Int) -> Timestamp {
            index < axis.count ? Timestamp(milliseconds: axis[index]) : Timestamp(milliseconds: axis[axis.count - 1] + market.timeframe.milliseconds)
        }
        let single = { var copy = setup; copy.parallelism = 1; return copy }()
        var equity: [EquityPoint] = []
        var trades: [BacktestTrade] = []
        var outcomes: [WalkForwardWindowOutcome] = []
        var startingEquity = setup.startingEquity
        for window in windows {
            let inSample = try market.slice(from: time(window.inSample.lowerBound), to: time(window.inSample.upperBound))
            let optimiser = try Optimiser(
                space: space, search: search, objective: objective, parallelism: parallelism,
                journalPath: journalDirectory.map { "\($0)/window-\(window.number).jsonl" }, showsProgress: progress)
            let report = try await optimiser.run { point in try single.applying(point).run(on: inSample).metrics() }
            guard let best = report.best, best.score != nil else {
                throw BacktestConfigurationError(field: "walkforward", reason: "window \(window.number): no point qualified for \(objective)")
            }
            let warmUpStart = max(0, window.outOfSample.lowerBound - plan.warmUpBars)
            let outOfSample = try market.slice(from: time(warmUpStart), to: time(window.outOfSample.upperBound))
            var chosen = try setup.applying(best.point)
            chosen.startingEquity = startingEquity
            let result = try chosen.run(on: outOfSample, tradingFrom: time(window.outOfSample.lowerBound))
            equity += equity.isEmpty ? result.equity : Array(result.equity.dropFirst())
            trades += result.trades
            startingEquity = result.equity.last?.equity ?? startingEquity
            let metrics = try? result.metrics()
            outcomes.append(WalkForwardWindowOutcome(
                window: window, inSampleFrom: time(window.inSample.lowerBound), outOfSampleFrom: time(window.outOfSample.lowerBound),
                outOfSampleTo: time(window.outOfSample.upperBound), point: best.point, inSampleScore: best.score,
                outOfSampleScore: metrics.flatMap(objective.score), outOfSampleTrades: result.trades.count,
                outOfSampleReturn: metrics?.returns.totalReturn))
            if result.ruinedAt != nil { break }
        }
        return WalkForwardResult(windows: outcomes, equity: equity, trades: trades)
    }
}

/// One window's choice and how it held up.
public struct WalkForwardWindowOutcome: Sendable {
    public let window: WalkForwardPlan.Window
    public let inSampleFrom: Timestamp
    public let outOfSampleFrom: Timestamp
    public let outOfSampleTo: Timestamp
    public let point: ParameterPoint
    public let inSampleScore: Double?
    public let outOfSampleScore: Double?
    public let outOfSampleTrades: Int
    public let outOfSampleReturn: Double?

    /// Out-of-sample score over in-sample score (1: held up; below: degraded); nil when either
    /// is missing or the in-sample score is not positive.
    public var efficiency: Double? {
        guard let inSample = inSampleScore, let outOfSample = outOfSampleScore, inSample > 0 else { return nil }
        return outOfSample / inSample
    }
}

/// A walk-forward's windows and its stitched out-of-sample run.
public struct WalkForwardResult: Sendable {
    public let windows: [WalkForwardWindowOutcome]
    public let equity: [EquityPoint]
    public let trades: [BacktestTrade]

    public func metrics() throws -> BacktestMetrics { try BacktestMetrics(equity: equity, trades: trades) }

    /// Per parameter: the values chosen across windows, their mean and coefficient of variation
    /// (standard deviation over mean; 0 = the same every window), and how many distinct values.
    public var stability: [ParameterStability] {
        guard let first = windows.first else { return [] }
        return first.point.entries.map { entry in
            let values = windows.compactMap { $0.point[entry.name] }
            let numbers = values.compactMap { value -> Double? in
                switch value {
                case .integer(let number): Double(number)
                case .decimal(let number): number
                case .choice: nil
                }
            }
            var mean: Double?, variation: Double?
            if numbers.count == values.count, !numbers.isEmpty {
                let average = numbers.reduce(0, +) / Double(numbers.count)
                let variance = numbers.map { ($0 - average) * ($0 - average) }.reduce(0, +) / Double(numbers.count)
                mean = average
                variation = average != 0 ? variance.squareRoot() / abs(average) : nil
            }
            return ParameterStability(
                name: entry.name, values: values.map(\.description), mean: mean, coefficientOfVariation: variation,
                distinctValues: Set(values.map(\.description)).count)
        }
    }
}

public struct ParameterStability: Sendable, Hashable {
    public let name: String
    public let values: [String]
    public let mean: Double?
    public let coefficientOfVariation: Double?
    public let distinctValues: Int
}

extension BacktestMarket {
    /// Every symbol's bars opening in `from ..< to` (symbols with none left out).
    public func slice(from: Timestamp, to: Timestamp) throws -> BacktestMarket {
        try BacktestMarket(series.map { $0.slice(from: from, to: to) }.filter { $0.count > 0 })
    }
}
