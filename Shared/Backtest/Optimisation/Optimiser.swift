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
        var state = try RunState(self)
        let meter = ProgressMeter(total: total, resumed: min(state.history.count, total), objective: objective.name)
        let display = showsProgress ? ProgressDisplay.standardError(meter) : nil
        defer { display?.finish() }
        if showsProgress { state.warnings.forEach { StandardError.write("warning: \($0)\n") } }
        let start = ContinuousClock.now
        let stopped = try await withThrowingTaskGroup(of: Finished.self) { group in
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
                        group.addTask { await Finished(indices, point, evaluate, objective) }
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

/// Every evaluation of a run so far, the journal it is written to, and the search's history.
private struct RunState {
    let journal: OptimisationJournal?
    var history = SearchHistory()
    var evaluations: [OptimisationEvaluation] = []
    var warnings: [String] = []
    let resumed: Int
    /// The best score so far, nil before a point qualifies.
    var best: Double?

    init(_ optimiser: Optimiser) throws {
        guard let path = optimiser.journalPath else {
            journal = nil
            resumed = 0
            return
        }
        let header = JournalHeader(space: optimiser.space, search: optimiser.search, objective: optimiser.objective)
        let opened = try OptimisationJournal.open(path: path, header: header)
        journal = opened.journal
        warnings = opened.warnings
        resumed = opened.loaded.count
        for evaluation in opened.loaded {
            evaluations.append(evaluation)
            note(evaluation, at: optimiser.space.indices(of: evaluation.point))
        }
    }

    mutating func record(_ evaluation: OptimisationEvaluation, at indices: [Int]) throws {
        evaluations.append(evaluation)
        note(evaluation, at: indices)
        try journal?.append(evaluation)
    }

    /// Adds to the history (a journal's point off this space's lattice is only ranked) and
    /// the best score.
    private mutating func note(_ evaluation: OptimisationEvaluation, at indices: [Int]?) {
        if let indices { history.record(indices, score: evaluation.score) }
        if let score = evaluation.score, score > best ?? -.infinity { best = score }
    }
}

/// One evaluation's outcome, in the task group; `evaluation` is nil when it was cancelled.
private struct Finished: Sendable {
    let indices: [Int]
    let evaluation: OptimisationEvaluation?

    init(_ indices: [Int], _ point: ParameterPoint, _ evaluate: Optimiser.Evaluation, _ objective: OptimisationObjective) async {
        self.indices = indices
        do {
            let metrics = try await evaluate(point)
            evaluation = OptimisationEvaluation(point: point, score: objective.score(metrics), metrics: MetricsSummary(metrics))
        } catch is CancellationError {
            evaluation = nil
        } catch {
            evaluation = Task.isCancelled ? nil : OptimisationEvaluation(point: point, error: String(describing: error))
        }
    }
}

/// The outcome of an optimisation run.
public struct OptimisationReport: Sendable {
    /// Every evaluation, this run's and the journal's, best first (`OptimisationEvaluation.ranked`).
    public let ranking: [OptimisationEvaluation]
    /// How many evaluations came from the journal.
    public let resumed: Int
    /// Problems with the journal that did not stop the run (a cut-off last line).
    public let warnings: [String]

    public var best: OptimisationEvaluation? { ranking.first }
}
