// Plain decimal text and Codable. `parse(x.description)` gives back the same units and scale.

extension FixedPoint: CustomStringConvertible {
    /// Plain decimal notation with exactly `scale` fractional digits: "0.00100", "-12.5", "0".
    /// Never uses an exponent; zero never has a sign.
    public var description: String {
        let digits = String(units.magnitude)
        let sign = units < 0 ? "-" : ""
        guard scale > 0 else { return sign + digits }
        let width = Int(scale)
        let padded = digits.count <= width
            ? String(repeating: "0", count: width + 1 - digits.count) + digits
            : digits
        let split = padded.index(padded.endIndex, offsetBy: -width)
        return sign + String(padded[..<split]) + "." + String(padded[split...])
    }
}

extension FixedPoint: Codable {
    /// Decodes from a decimal string ("0.00100"); the scale is kept. JSON numbers are refused
    /// on purpose: they pass through `Double` in most decoders and are not exact.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try FixedPoint.parse(text)
        } catch let error as DecimalParseError {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes as the decimal string `description`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
