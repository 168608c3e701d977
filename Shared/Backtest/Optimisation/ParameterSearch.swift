/// How the optimiser picks the points it evaluates. Every search is deterministic for its seed.
public enum ParameterSearch: Sendable, Hashable, CustomStringConvertible {
    /// Every valid point of the lattice, in grid order.
    case grid
    /// `count` distinct valid points drawn uniformly from the lattice (fewer when the space
    /// has fewer). A larger `count` with the same seed draws the same points first.
    case random(count: Int, seed: UInt64)
    /// Bayesian optimisation with a tree-structured Parzen estimator: `count` evaluations in
    /// all, the first `settings.startup` random. Deterministic for a seed and a parallelism
    /// (the batch size). A resumed run learns from the journal's evaluations but, having lost
    /// the ones in flight, need not pick the points the uninterrupted run would have.
    case bayesian(count: Int, seed: UInt64, settings: TPESettings = TPESettings())

    /// What a journal records of the search: the kind and seed, not the count, so that a
    /// run can be resumed with a larger one.
    var journalIdentity: (kind: String, seed: UInt64?) {
        switch self {
        case .grid: return ("grid", nil)
        case .random(_, let seed): return ("random", seed)
        case .bayesian(_, let seed, _): return ("bayesian", seed)
        }
    }

    public var description: String {
        switch self {
        case .grid: return "grid"
        case .random(let count, let seed): return "random (\(count) points, seed \(seed))"
        case .bayesian(let count, let seed, _): return "bayesian (\(count) evaluations, seed \(seed))"
        }
    }

    /// Throws `OptimiserError.invalidSearch` for a count below 1 or bad TPE settings.
    func validate() throws {
        switch self {
        case .grid: return
        case .random(let count, _): try Self.require(count >= 1, "the count \(count) is below 1")
        case .bayesian(let count, _, let settings):
            try Self.require(count >= 1, "the count \(count) is below 1")
            try Self.require(settings.startup >= 1, "the number of random startup points \(settings.startup) is below 1")
            try Self.require(settings.gamma > 0 && settings.gamma < 1, "gamma \(settings.gamma) is not between 0 and 1")
            try Self.require(settings.candidates >= 1, "the number of candidates \(settings.candidates) is below 1")
        }
    }

    private static func require(_ condition: Bool, _ reason: String) throws {
        if !condition { throw OptimiserError.invalidSearch(reason) }
    }
}

/// Settings of the tree-structured Parzen estimator search.
public struct TPESettings: Sendable, Hashable {
    /// Random points evaluated before the model guides the search.
    public var startup: Int
    /// The fraction of the evaluated points, best first, that make up the "good" model. The
    /// default, 0.1, found the top of a smooth synthetic bowl far more reliably than 0.25 did
    /// (which sometimes settled on a wrong choice): a small good set concentrates the search.
    public var gamma: Double
    /// Points drawn from the good model for each suggestion; the one with the highest ratio
    /// of good to bad density is suggested.
    public var candidates: Int

    public init(startup: Int = 10, gamma: Double = 0.1, candidates: Int = 24) {
        self.startup = startup
        self.gamma = gamma
        self.candidates = candidates
    }
}
