import Foundation

/// One named dimension of a `ParameterSpace`, and its lattice: the values a search may pick,
/// indexed `0..<count`.
public struct ParameterDimension: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// `lower, lower + step, …` up to `upper` (`upper` itself only when on the lattice).
        case integer(lower: Int, upper: Int, step: Int)
        /// Like `integer`. Values are rounded to six digits finer than the step, so that
        /// `0.1 + 2 × 0.1` is `0.3`, not `0.30000000000000004`.
        case decimal(lower: Double, upper: Double, step: Double)
        case choice([String])
    }

    /// Most values one dimension may have; more means the step is a typo.
    public static let valueLimit = 1_000_000

    public let name: String
    public let kind: Kind
    /// How many values the lattice has (≥ 1).
    public let count: Int

    /// Throws `ParameterSpaceError` for an empty or invalid name, `lower > upper`, a step ≤ 0,
    /// non-finite decimals, an empty, blank or repeated choice, or too many values.
    public init(_ name: String, _ kind: Kind) throws {
        guard !name.isEmpty else { throw ParameterSpaceError.emptyName }
        guard !name.contains(where: { $0.isWhitespace || $0 == "=" || $0 == "," }) else { throw ParameterSpaceError.invalidName(name) }
        self.name = name
        self.kind = kind
        count = try Self.count(name, kind)
    }

    public static func integer(_ name: String, _ lower: Int, _ upper: Int, step: Int = 1) throws -> Self {
        try Self(name, .integer(lower: lower, upper: upper, step: step))
    }

    public static func decimal(_ name: String, _ lower: Double, _ upper: Double, step: Double) throws -> Self {
        try Self(name, .decimal(lower: lower, upper: upper, step: step))
    }

    public static func choice(_ name: String, _ values: [String]) throws -> Self {
        try Self(name, .choice(values))
    }

    /// The lattice value at `index` (`0..<count`).
    func value(at index: Int) -> ParameterValue {
        switch kind {
        case .integer(let lower, _, let step): return .integer(lower + index * step)
        case .decimal(let lower, _, let step):
            let value = lower + Double(index) * step
            let scale = pow(10, max(0, 6 - log10(step).rounded(.down)))
            let rounded = (value * scale).rounded() / scale
            return .decimal(rounded.isFinite ? rounded : value)
        case .choice(let values): return .choice(values[index])
        }
    }

    /// The index of `value` on the lattice; nil when it is not a lattice value.
    func index(of value: ParameterValue) -> Int? {
        let index: Int
        switch (kind, value) {
        case (.integer(let lower, _, let step), .integer(let integer)):
            let (offset, overflow) = integer.subtractingReportingOverflow(lower)
            guard !overflow, offset % step == 0 else { return nil }
            index = offset / step
        case (.decimal(let lower, _, let step), .decimal(let decimal)):
            guard let rounded = Int(exactly: ((decimal - lower) / step).rounded()) else { return nil }
            index = rounded
        case (.choice(let values), .choice(let choice)):
            guard let found = values.firstIndex(of: choice) else { return nil }
            index = found
        default: return nil
        }
        return (0..<count).contains(index) && self.value(at: index) == value ? index : nil
    }

    private static func count(_ name: String, _ kind: Kind) throws -> Int {
        let count: Int
        switch kind {
        case .integer(let lower, let upper, let step):
            guard lower <= upper else { throw ParameterSpaceError.invertedBounds(dimension: name, lower: String(lower), upper: String(upper)) }
            guard step > 0 else { throw ParameterSpaceError.nonPositiveStep(dimension: name, step: String(step)) }
            let (span, overflow) = upper.subtractingReportingOverflow(lower)
            count = !overflow && span / step < valueLimit ? span / step + 1 : Int.max
        case .decimal(let lower, let upper, let step):
            guard lower.isFinite, upper.isFinite, step.isFinite else { throw ParameterSpaceError.notFinite(dimension: name) }
            guard lower <= upper else { throw ParameterSpaceError.invertedBounds(dimension: name, lower: lower.description, upper: upper.description) }
            guard step > 0 else { throw ParameterSpaceError.nonPositiveStep(dimension: name, step: step.description) }
            // The tolerance keeps `upper` when rounding left the quotient just below a whole number.
            let steps = ((upper - lower) / step + 1e-9).rounded(.down)
            count = steps < Double(valueLimit) ? Int(steps) + 1 : Int.max
        case .choice(let values):
            guard !values.isEmpty else { throw ParameterSpaceError.emptyChoices(dimension: name) }
            for (offset, value) in values.enumerated() {
                if value.isEmpty { throw ParameterSpaceError.invalidChoice(dimension: name, choice: value, reason: "is empty") }
                if values[..<offset].contains(value) {
                    throw ParameterSpaceError.invalidChoice(dimension: name, choice: value, reason: "is listed twice")
                }
            }
            count = values.count
        }
        guard count <= valueLimit else { throw ParameterSpaceError.tooManyValues(dimension: name, limit: valueLimit) }
        return count
    }
}
