/// The points evaluated so far (this run's and those loaded from a journal) with their scores,
/// in lattice indices; nil scores are points that did not qualify or failed.
struct SearchHistory {
    private(set) var points: [(indices: [Int], score: Double?)] = []
    private(set) var finished: Set<[Int]> = []

    var count: Int { points.count }

    mutating func record(_ indices: [Int], score: Double?) {
        if finished.insert(indices).inserted { points.append((indices, score)) }
    }
}

/// Picks the points a search evaluates next.
protocol PointSuggester {
    /// Whether every suggested point must be finished before the next suggestion (a search
    /// that learns from its results; this also keeps it deterministic with parallel runs).
    var waitsForBatch: Bool { get }
    /// Up to `count` (≥ 1) unfinished points to evaluate next; empty when the search is done.
    mutating func suggest(count: Int, after history: SearchHistory) -> [[Int]]
}

/// A search whose points are fixed in advance (grid, random): it suggests them in order,
/// skipping those already finished (loaded from a journal).
struct PlannedSuggester: PointSuggester {
    let plan: [[Int]]
    private var position = 0
    let waitsForBatch = false

    init(plan: [[Int]]) { self.plan = plan }

    mutating func suggest(count: Int, after history: SearchHistory) -> [[Int]] {
        var batch: [[Int]] = []
        while batch.count < count, position < plan.count {
            if !history.finished.contains(plan[position]) { batch.append(plan[position]) }
            position += 1
        }
        return batch
    }
}
