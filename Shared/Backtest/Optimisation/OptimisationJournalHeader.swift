/// A journal's first line: the run it belongs to. A journal resumes only a run with the same
/// header (the search's count and the parallelism may differ).
struct OptimisationJournalHeader: Codable, Hashable {
    var format = "keel-optimisation-journal"
    var version = 1
    /// `ParameterSpace.spec`.
    let space: String
    /// `grid`, `random` or `bayesian`.
    let search: String
    let seed: UInt64?
    /// `OptimisationObjective.description`.
    let objective: String

    init(space: ParameterSpace, search: ParameterSearch, objective: OptimisationObjective) {
        self.space = space.spec
        (self.search, seed) = search.journalIdentity
        self.objective = objective.description
    }

    /// What differs from `other`, one `field: ours vs theirs` each, for an error message.
    func differences(from other: OptimisationJournalHeader) -> [String] {
        var differences: [String] = []
        func compare(_ field: String, _ ours: String, _ theirs: String) {
            if ours != theirs { differences.append("\(field) '\(theirs)' in the journal, '\(ours)' in this run") }
        }
        compare("format", "\(format) \(version)", "\(other.format) \(other.version)")
        compare("space", space, other.space)
        compare("search", search, other.search)
        compare("seed", seed.map(String.init) ?? "none", other.seed.map(String.init) ?? "none")
        compare("objective", objective, other.objective)
        return differences
    }
}

/// A journal that cannot be used.
public enum OptimisationJournalError: Error, Sendable, Hashable, CustomStringConvertible {
    case notAJournal(path: String)
    case headerMismatch(path: String, differences: [String])
    case damaged(path: String, line: Int, reason: String)
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .notAJournal(let path):
            return "\(path) is not an optimisation journal: use another journal path, or delete it to start over"
        case .headerMismatch(let path, let differences):
            return "journal \(path) belongs to another optimisation run (\(differences.joined(separator: "; "))): "
                + "use another journal path, or delete it to start over"
        case .damaged(let path, let line, let reason):
            return "journal \(path) is damaged at line \(line) (\(reason)): repair or delete that line, or delete the journal to start over"
        case .io(let path, let reason): return "journal \(path): \(reason)"
        }
    }
}
