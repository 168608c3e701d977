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
