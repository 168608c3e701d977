/// Every evaluation of a run so far, the journal it is written to, and the search's history.
struct OptimisationRunState {
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
        let header = OptimisationJournalHeader(space: optimiser.space, search: optimiser.search, objective: optimiser.objective)
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
struct FinishedEvaluation: Sendable {
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
