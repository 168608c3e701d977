/// Why a string could not be read as an exact decimal. Names the input and the reason.
public struct DecimalParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        /// The string is empty.
        case empty
        /// A character that is not allowed where it appears (whitespace, letters, ",", a second
        /// "." or sign). `offset` counts Unicode scalars from the start.
        case unexpectedCharacter(Character, offset: Int)
        /// No digit before the decimal point (".5", "-", "+").
        case missingIntegerDigits
        /// A decimal point with no digit after it ("5.").
        case missingFractionDigits
        /// An exponent marker with no digits ("1e", "1e+").
        case missingExponentDigits
        /// More than 18 fractional digits once the exponent is applied.
        case tooManyFractionalDigits(Int)
        /// The exponent itself is too large to handle.
        case exponentOutOfRange
        /// The value does not fit in 64-bit units at its scale.
        case valueOutOfRange
    }

    public let input: String
    public let reason: Reason

    public init(input: String, reason: Reason) {
        self.input = input
        self.reason = reason
    }

    public var description: String {
        let detail: String
        switch reason {
        case .empty:
            detail = "the string is empty"
        case .unexpectedCharacter(let character, let offset):
            detail = "unexpected character \(String(reflecting: String(character))) at offset \(offset)"
        case .missingIntegerDigits:
            detail = "expected a digit before the decimal point"
        case .missingFractionDigits:
            detail = "expected a digit after the decimal point"
        case .missingExponentDigits:
            detail = "expected digits in the exponent"
        case .tooManyFractionalDigits(let count):
            detail = "\(count) fractional digits, at most \(FixedPoint.maxScale) are supported"
        case .exponentOutOfRange:
            detail = "the exponent is out of range"
        case .valueOutOfRange:
            detail = "the value does not fit in 64-bit units at its scale"
        }
        return "cannot parse \(String(reflecting: input)) as a decimal: \(detail)"
    }
}
