/// The parameters a search explores: named dimensions in a fixed order, and an optional
/// constraint on their combinations (`fast < slow`, say). Searches work on the lattice of
/// every dimension's values and only pick points the constraint accepts.
public struct ParameterSpace: Sendable {
    /// Most points a grid search may enumerate.
    public static let gridLimit = 10_000_000

    public let dimensions: [ParameterDimension]
    /// Whether a point may be evaluated; nil accepts every point.
    public let constraint: (@Sendable (ParameterPoint) -> Bool)?

    /// Throws `ParameterSpaceError` without dimensions or with a name used twice.
    public init(_ dimensions: [ParameterDimension], constraint: (@Sendable (ParameterPoint) -> Bool)? = nil) throws {
        guard !dimensions.isEmpty else { throw ParameterSpaceError.noDimensions }
        var names: Set<String> = []
        for dimension in dimensions where !names.insert(dimension.name).inserted {
            throw ParameterSpaceError.duplicateName(dimension.name)
        }
        self.dimensions = dimensions
        self.constraint = constraint
    }

    /// A space from command-line specs (`ParameterDimension.init(spec:)`), e.g.
    /// `["fast=5:50:5", "slow=20:200:20", "atr=1.5:3.0:0.5"]`.
    public init(specs: [String], constraint: (@Sendable (ParameterPoint) -> Bool)? = nil) throws {
        try self.init(specs.map(ParameterDimension.init(spec:)), constraint: constraint)
    }

    /// The dimensions' specs, space-separated: identifies the space in a journal (the
    /// constraint, a closure, cannot be part of it).
    public var spec: String { dimensions.map(\.spec).joined(separator: " ") }

    /// Every point the constraint accepts, first dimension slowest (like nested loops in the
    /// dimensions' order). Throws `.gridTooLarge` above `gridLimit` lattice points and
    /// `.noValidPoint` when the constraint rejects them all.
    public func gridPoints() throws -> [ParameterPoint] {
        let points = try validLattice().map(point(at:))
        guard !points.isEmpty else { throw ParameterSpaceError.noValidPoint }
        return points
    }

    /// The point at lattice `indices` (one per dimension).
    func point(at indices: [Int]) -> ParameterPoint {
        ParameterPoint(zip(dimensions, indices).map { .init(name: $0.name, value: $0.value(at: $1)) })
    }

    /// The lattice indices of `point`; nil when it is not a point of this space's lattice.
    func indices(of point: ParameterPoint) -> [Int]? {
        guard point.entries.count == dimensions.count else { return nil }
        var indices: [Int] = []
        for (dimension, entry) in zip(dimensions, point.entries) {
            guard entry.name == dimension.name, let index = dimension.index(of: entry.value) else { return nil }
            indices.append(index)
        }
        return indices
    }

    func isValid(_ indices: [Int]) -> Bool { constraint?(point(at: indices)) ?? true }

    /// The lattice indices of every valid point, in grid order; throws `.gridTooLarge`.
    func validLattice() throws -> [[Int]] {
        var size = 1
        for dimension in dimensions {
            let (product, overflow) = size.multipliedReportingOverflow(by: dimension.count)
            guard !overflow, product <= Self.gridLimit else { throw ParameterSpaceError.gridTooLarge(limit: Self.gridLimit) }
            size = product
        }
        var valid: [[Int]] = []
        var indices = [Int](repeating: 0, count: dimensions.count)
        for _ in 0..<size {
            if isValid(indices) { valid.append(indices) }
            // Odometer: the last dimension turns fastest.
            for position in indices.indices.reversed() {
                indices[position] += 1
                if indices[position] < dimensions[position].count { break }
                indices[position] = 0
            }
        }
        return valid
    }
}
