/// Why a `FixedPoint` operation could not produce an exact, representable result.
public enum FixedPointError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The result's units do not fit in `Int64` at the result's scale.
    case overflow
    /// Division by a zero divisor.
    case divisionByZero
    /// A scale above `FixedPoint.maxScale` (18) was asked for or would be needed.
    case scaleTooLarge(Int)
    /// The result cannot be represented at the requested scale without dropping non-zero digits.
    case inexact
    /// An increment (tick or step) that is zero or negative.
    case nonPositiveIncrement(FixedPoint)

    public var description: String {
        switch self {
        case .overflow:
            return "fixed-point overflow: the result does not fit in 64-bit units at its scale"
        case .divisionByZero:
            return "fixed-point division by zero"
        case .scaleTooLarge(let scale):
            return "fixed-point scale \(scale) is too large (maximum \(FixedPoint.maxScale))"
        case .inexact:
            return "fixed-point result is inexact: rescaling would drop non-zero digits"
        case .nonPositiveIncrement(let increment):
            return "rounding increment must be greater than zero, got \(increment)"
        }
    }
}
