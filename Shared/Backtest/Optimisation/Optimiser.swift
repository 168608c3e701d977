import Foundation

/// Runs a parameter search: evaluates the points the search picks, up to `parallelism` at
/// once, scores them with the objective and ranks them. With a journal it records every
/// finished evaluation and, started again, resumes: finished points are not evaluated again.
public struct Optimiser: Sendable {
    /// Evaluates one point, e.g. by backtesting the strategy with its parameters.
    public typealias Evaluation = @Sendable (ParameterPoint) async throws -> BacktestMetrics

    public let space: ParameterSpace
    public let search: ParameterSearch
    public let objective: OptimisationObjective
    /// Most evaluations in flight at once. A Bayesian search suggests a batch of this many
    /// and waits for all of them before the next.
    public let parallelism: Int
    /// A JSON Lines journal to resume from and record to; nil for none.
    public let journalPath: String?
    /// Whether to show progress and journal warnings on standard error.
    public let showsProgress: Bool

    /// Throws `OptimiserError` for parallelism below 1 or an invalid search.
    public init(
        space: ParameterSpace, search: ParameterSearch, objective: OptimisationObjective,
        parallelism: Int = ProcessInfo.processInfo.activeProcessorCount, journalPath: String? = nil, showsProgress: Bool = true
    ) throws {
        guard parallelism >= 1 else { throw OptimiserError.invalidParallelism(parallelism) }
        try search.validate()
        self.space = space
        self.search = search
        self.objective = objective
        self.parallelism = parallelism
        self.journalPath = journalPath
        self.showsProgress = showsProgress
    }

    /// Runs the search to its end and returns every evaluation, the journal's included, best
    /// first. An evaluation that throws is recorded with its error and the run goes on. When
    /// the task is cancelled or an evaluation throws `CancellationError`, the run stops: the
    /// evaluations in flight finish or are cancelled, only finished ones are journaled, and
    /// this throws `CancellationError`.
    public func run(_ evaluate: @escaping Evaluation) async throws -> OptimisationReport {
        let (suggester, total) = try search.suggester(over: space)
        var state = try OptimisationRunState(self)
        let meter = ProgressMeter(total: total, resumed: min(state.history.count, total), objective: objective.name)
        let display = showsProgress ? ProgressDisplay.standardError(meter) : nil
        defer { display?.finish() }
        if showsProgress { state.warnings.forEach { ProgressDisplay.writeToStandardError("warning: \($0)\n") } }
        let start = ContinuousClock.now
        let stopped = try await withThrowingTaskGroup(of: FinishedEvaluation.self) { group in
            var suggester = suggester
            var inFlight = 0
            var exhausted = false
            var stopped = false
            while true {
                if Task.isCancelled, !stopped {
                    stopped = true
                    group.cancelAll()
                }
                if !exhausted, !stopped, inFlight < parallelism, !(suggester.waitsForBatch && inFlight > 0) {
                    let batch = suggester.suggest(count: parallelism - inFlight, after: state.history)
                    exhausted = batch.isEmpty
                    for indices in batch {
                        let point = space.point(at: indices)
                        group.addTask { await FinishedEvaluation(indices, point, evaluate, objective) }
                    }
                    inFlight += batch.count
                }
                guard let finished = try await group.next() else { return stopped }
                inFlight -= 1
                guard let evaluation = finished.evaluation else {
                    stopped = true
                    group.cancelAll()
                    continue
                }
                try state.record(evaluation, at: finished.indices)
                let elapsed = (ContinuousClock.now - start) / .seconds(1)
                display?.update(done: min(state.history.count, total), elapsed: elapsed, best: state.best)
            }
        }
        if stopped { throw CancellationError() }
        return OptimisationReport(ranking: OptimisationEvaluation.ranked(state.evaluations), resumed: state.resumed, warnings: state.warnings)
    }
}
