/// One parameter's value at a point of a `ParameterSpace`.
public enum ParameterValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case integer(Int)
    /// A strategy parameter such as an ATR multiple (never money).
    case decimal(Double)
    case choice(String)

    /// `5`, `1.5` (a decimal always shows a fraction: `3.0`), or the choice as it is.
    public var description: String {
        switch self {
        case .integer(let value): return String(value)
        case .decimal(let value): return value.description
        case .choice(let value): return value
        }
    }

    var kindName: String {
        switch self {
        case .integer: return "an integer"
        case .decimal: return "a decimal"
        case .choice: return "a choice"
        }
    }
}
