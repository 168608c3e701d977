import Core

extension ParameterSpace {
    /// Uniform draws tried before falling back to listing the unvisited valid points.
    private static let drawAttempts = 256

    /// A uniformly drawn valid lattice point not in `excluded`; nil when there is none (or
    /// none could be found: a lattice above `gridLimit` is only drawn from, never listed).
    /// Draws first; when a strict constraint or a nearly visited lattice makes them miss, it
    /// lists the valid unvisited points and picks one.
    func randomPoint(using generator: inout SplitMix64, excluding excluded: Set<[Int]>) -> [Int]? {
        for _ in 0..<Self.drawAttempts {
            let indices = dimensions.map { generator.latticeIndex(below: $0.count) }
            if !excluded.contains(indices), isValid(indices) { return indices }
        }
        guard let remaining = try? validLattice().filter({ !excluded.contains($0) }), !remaining.isEmpty else { return nil }
        return remaining[generator.latticeIndex(below: remaining.count)]
    }
}

extension SplitMix64 {
    /// Uniform in `0..<count` (`count` ≥ 1; the modulo bias is below 2⁻⁴⁰ for the lattice
    /// sizes of a parameter space).
    mutating func latticeIndex(below count: Int) -> Int { Int(next() % UInt64(count)) }
}
