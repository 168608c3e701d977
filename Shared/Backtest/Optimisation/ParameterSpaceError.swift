/// Why a parameter space, or a dimension's CLI spec, cannot be used. Each names the dimension
/// at fault.
public enum ParameterSpaceError: Error, Sendable, Hashable, CustomStringConvertible {
    case noDimensions
    case emptyName
    /// A name holding whitespace, `=` or `,` (they separate names and values in specs and keys).
    case invalidName(String)
    case duplicateName(String)
    case invertedBounds(dimension: String, lower: String, upper: String)
    case notFinite(dimension: String)
    case nonPositiveStep(dimension: String, step: String)
    case emptyChoices(dimension: String)
    case invalidChoice(dimension: String, choice: String, reason: String)
    case tooManyValues(dimension: String, limit: Int)
    /// The constraint rejects every point of the lattice.
    case noValidPoint
    /// A grid search over more points than `ParameterSpace.gridLimit`.
    case gridTooLarge(limit: Int)
    case badSpec(String, reason: String)

    public var description: String {
        switch self {
        case .noDimensions: return "the parameter space has no dimensions"
        case .emptyName: return "a parameter has an empty name"
        case .invalidName(let name): return "parameter name '\(name)' holds whitespace, '=' or ','"
        case .duplicateName(let name): return "parameter '\(name)' is defined twice"
        case .invertedBounds(let name, let lower, let upper):
            return "parameter '\(name)': lower bound \(lower) is above upper bound \(upper)"
        case .notFinite(let name): return "parameter '\(name)': bounds and step must be finite numbers"
        case .nonPositiveStep(let name, let step): return "parameter '\(name)': step \(step) is not above zero"
        case .emptyChoices(let name): return "parameter '\(name)' has no choices"
        case .invalidChoice(let name, let choice, let reason): return "parameter '\(name)': choice '\(choice)' \(reason)"
        case .tooManyValues(let name, let limit): return "parameter '\(name)' has more than \(limit) values: use a larger step"
        case .noValidPoint: return "no point of the parameter space satisfies the constraint"
        case .gridTooLarge(let limit):
            return "the grid has more than \(limit) points: use larger steps, fewer dimensions, or a random or Bayesian search"
        case .badSpec(let spec, let reason):
            return "bad parameter spec '\(spec)': \(reason) (expected name=lower:upper:step, e.g. fast=5:50:5 or atr=1.5:3.0:0.5, or name=a,b,c)"
        }
    }
}
