import Core

/// Bayesian search with a tree-structured Parzen estimator (Bergstra et al., 2011). The first
/// `startup` points are random. Then, each batch, the history is split into the best `gamma`
/// share (good) and the rest (bad; points that did not qualify or failed are always bad), each
/// dimension gets a Parzen density l(x) over the good and g(x) over the bad points, and each
/// suggestion is the candidate drawn from l with the largest l(x) / g(x) among those valid and
/// not yet evaluated or suggested. Deterministic for a seed and a batch size: the history is
/// ordered by score, then by lattice position, however the batch's evaluations finished.
struct TPESuggester: PointSuggester {
    let space: ParameterSpace
    /// Evaluations in all, the history's included.
    let budget: Int
    let settings: TPESettings
    var generator: SplitMix64
    let waitsForBatch = true

    mutating func suggest(count: Int, after history: SearchHistory) -> [[Int]] {
        let wanted = min(count, budget - history.count)
        let model = history.count >= settings.startup ? TPEModel(space, history, gamma: settings.gamma) : nil
        var taken = history.finished
        var batch: [[Int]] = []
        while batch.count < wanted {
            let guided = model.flatMap { bestCandidate($0, excluding: taken) }
            guard let point = guided ?? space.randomPoint(using: &generator, excluding: taken) else { break }
            taken.insert(point)
            batch.append(point)
        }
        return batch
    }

    /// The valid, untaken candidate with the largest density ratio; nil when no candidate is.
    private mutating func bestCandidate(_ model: TPEModel, excluding taken: Set<[Int]>) -> [Int]? {
        var best: (indices: [Int], ratio: Double)?
        for _ in 0..<settings.candidates {
            let candidate = model.sample(using: &generator)
            guard !taken.contains(candidate), space.isValid(candidate) else { continue }
            let ratio = model.logRatio(candidate)
            if ratio > best?.ratio ?? -.infinity { best = (candidate, ratio) }
        }
        return best?.indices
    }
}

/// The good and bad densities of every dimension.
struct TPEModel {
    let good: [ParzenEstimator]
    let bad: [ParzenEstimator]

    /// Nil when no evaluated point qualified (nothing is good) or none is left for bad.
    init?(_ space: ParameterSpace, _ history: SearchHistory, gamma: Double) {
        let ranked = history.points.sorted { first, second in
            switch (first.score, second.score) {
            case (let a?, let b?) where a != b: return a > b
            case (.some, nil): return true
            case (nil, .some): return false
            default: return first.indices.lexicographicallyPrecedes(second.indices)
            }
        }
        let qualifying = ranked.count { $0.score != nil }
        let goodCount = min(Int((gamma * Double(ranked.count)).rounded(.up)), qualifying, ranked.count - 1)
        guard goodCount >= 1 else { return nil }
        good = Self.estimators(space, ranked[..<goodCount].map(\.indices))
        bad = Self.estimators(space, ranked[goodCount...].map(\.indices))
    }

    private static func estimators(_ space: ParameterSpace, _ points: [[Int]]) -> [ParzenEstimator] {
        space.dimensions.enumerated().map { position, dimension in
            ParzenEstimator(dimension, observed: points.map { $0[position] })
        }
    }

    /// `log l(x) − log g(x)`, the dimensions taken as independent.
    func logRatio(_ indices: [Int]) -> Double {
        indices.enumerated().reduce(0) { $0 + good[$1.offset].logDensity($1.element) - bad[$1.offset].logDensity($1.element) }
    }

    func sample(using generator: inout SplitMix64) -> [Int] {
        good.map { $0.sample(using: &generator) }
    }
}
