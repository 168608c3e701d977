import Core

extension ParameterSearch {
    /// The suggester for this search over `space`, and how many points it evaluates in all.
    /// Throws `ParameterSpaceError.noValidPoint` when the constraint leaves no point (for a
    /// lattice above `ParameterSpace.gridLimit`: when random draws find none), and `.gridTooLarge`
    /// for a grid above the limit.
    func suggester(over space: ParameterSpace) throws -> (suggester: any PointSuggester, total: Int) {
        switch self {
        case .grid:
            let plan = try space.validLattice()
            guard !plan.isEmpty else { throw ParameterSpaceError.noValidPoint }
            return (PlannedSuggester(plan: plan), plan.count)
        case .random(let count, let seed):
            var generator = SplitMix64(seed: seed)
            var drawn: Set<[Int]> = []
            var plan: [[Int]] = []
            while plan.count < count, let point = space.randomPoint(using: &generator, excluding: drawn) {
                drawn.insert(point)
                plan.append(point)
            }
            guard !plan.isEmpty else { throw ParameterSpaceError.noValidPoint }
            return (PlannedSuggester(plan: plan), plan.count)
        case .bayesian(let count, let seed, let settings):
            var probe = SplitMix64(seed: seed)
            guard space.randomPoint(using: &probe, excluding: []) != nil else { throw ParameterSpaceError.noValidPoint }
            return (TPESuggester(space: space, budget: count, settings: settings, generator: SplitMix64(seed: seed)), count)
        }
    }
}
