/// How a value that falls between two representable results is resolved.
public enum RoundingMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Toward negative infinity (floor).
    case down
    /// Toward positive infinity (ceiling).
    case up
    /// Toward zero (truncation).
    case towardZero
    /// To the nearest result; exact ties go away from zero (2.5 → 3, −2.5 → −3).
    case nearest
}
