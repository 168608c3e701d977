// Exact decimal parsing of the strings exchanges send.
//
// Grammar: [+-]? digit+ ("." digit+)? ([eE] [+-]? digit+)?
// The written scale is kept: "0.00100" is units 100 at scale 5. An exponent moves the point:
// "1e-8" is units 1 at scale 8, "1.5E+3" is units 1500 at scale 0 (never a negative scale).

extension FixedPoint {
    /// Parses a decimal string exactly. Throws `DecimalParseError`.
    public init(parsing text: String) throws {
        self = try Self.parse(text)
    }

    /// Parses a decimal string exactly. Throws `DecimalParseError`.
    public static func parse(_ text: String) throws -> FixedPoint {
        func fail(_ reason: DecimalParseError.Reason) -> DecimalParseError {
            DecimalParseError(input: text, reason: reason)
        }
        let scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty else { throw fail(.empty) }
        var index = 0

        func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar >= "0" && scalar <= "9" }
        func unexpected(at offset: Int) -> DecimalParseError {
            fail(.unexpectedCharacter(Character(scalars[offset]), offset: offset))
        }

        var negative = false
        if scalars[index] == "+" || scalars[index] == "-" {
            negative = scalars[index] == "-"
            index += 1
        }

        // Mantissa digits (integer and fraction) accumulated as one 128-bit integer.
        var mantissa: Int128 = 0
        var mantissaTooLarge = false
        func appendDigit(_ scalar: Unicode.Scalar) {
            let digit = Int128(scalar.value - 48)
            let (shifted, overflow1) = mantissa.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(digit)
            if overflow1 || overflow2 { mantissaTooLarge = true } else { mantissa = sum }
        }

        let integerStart = index
        while index < scalars.count && isDigit(scalars[index]) {
            appendDigit(scalars[index])
            index += 1
        }
        if index == integerStart {
            if index == scalars.count || scalars[index] == "." { throw fail(.missingIntegerDigits) }
            throw unexpected(at: index)
        }

        var fractionDigits = 0
        if index < scalars.count && scalars[index] == "." {
            index += 1
            let fractionStart = index
            while index < scalars.count && isDigit(scalars[index]) {
                appendDigit(scalars[index])
                index += 1
            }
            fractionDigits = index - fractionStart
            if fractionDigits == 0 {
                if index == scalars.count { throw fail(.missingFractionDigits) }
                throw unexpected(at: index)
            }
        }

        var exponent = 0
        if index < scalars.count && (scalars[index] == "e" || scalars[index] == "E") {
            index += 1
            var exponentNegative = false
            if index < scalars.count && (scalars[index] == "+" || scalars[index] == "-") {
                exponentNegative = scalars[index] == "-"
                index += 1
            }
            let exponentStart = index
            var exponentTooLarge = false
            while index < scalars.count && isDigit(scalars[index]) {
                let digit = Int(scalars[index].value - 48)
                let (shifted, overflow1) = exponent.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = shifted.addingReportingOverflow(digit)
                // Anything beyond a few hundred can never produce a representable value.
                if overflow1 || overflow2 || sum > 100_000 { exponentTooLarge = true } else { exponent = sum }
                index += 1
            }
            if index == exponentStart {
                if index == scalars.count { throw fail(.missingExponentDigits) }
                throw unexpected(at: index)
            }
            if index == scalars.count && exponentTooLarge { throw fail(.exponentOutOfRange) }
            if exponentNegative { exponent = -exponent }
        }

        guard index == scalars.count else { throw unexpected(at: index) }
        guard !mantissaTooLarge else { throw fail(.valueOutOfRange) }

        var scale = fractionDigits - exponent
        if scale > Int(maxScale) { throw fail(.tooManyFractionalDigits(scale)) }
        if scale < 0 {
            // A positive exponent beyond the fraction digits multiplies the mantissa.
            if mantissa != 0 {
                guard -scale <= 38 else { throw fail(.valueOutOfRange) }
                let (shifted, overflow) = mantissa.multipliedReportingOverflow(by: Decimal10.power(-scale))
                guard !overflow else { throw fail(.valueOutOfRange) }
                mantissa = shifted
            }
            scale = 0
        }
        guard let units = Int64(exactly: negative ? -mantissa : mantissa) else { throw fail(.valueOutOfRange) }
        return FixedPoint(uncheckedUnits: units, scale: UInt8(scale))
    }
}
