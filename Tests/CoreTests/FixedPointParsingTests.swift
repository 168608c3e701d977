import Testing
import Core

@Suite("FixedPoint parsing")
struct FixedPointParsingTests {
    @Test(arguments: [
        ("0.00100", Int64(100), UInt8(5)),
        ("-12.5", -125, 1),
        ("1e-8", 1, 8),
        ("1E-18", 1, 18),
        ("1.5E+3", 1500, 0),
        ("1.5e3", 1500, 0),
        ("1.5e-3", 15, 4),
        ("1.23e1", 123, 1),
        ("1.230e1", 1230, 2),
        ("123e0", 123, 0),
        ("1e18", 1_000_000_000_000_000_000, 0),
        ("0e999", 0, 0),
        ("+2", 2, 0),
        ("-0", 0, 0),
        ("-0.00", 0, 2),
        ("0", 0, 0),
        ("007", 7, 0),
        ("0.000000000000000001", 1, 18),
        ("60000.12345678", 6_000_012_345_678, 8),
        ("9223372036854775807", .max, 0),
        ("-9223372036854775808", .min, 0),
        ("-9.223372036854775808", .min, 18),
        ("922337203685477580.7e1", .max, 0),
    ])
    func accepts(text: String, units: Int64, scale: UInt8) throws {
        let value = try FixedPoint.parse(text)
        #expect(value.units == units)
        #expect(value.scale == scale)
        let viaInit = try FixedPoint(parsing: text)
        #expect(viaInit.units == units && viaInit.scale == scale)
    }

    typealias Reason = DecimalParseError.Reason

    @Test(arguments: [
        ("", Reason.empty),
        (" ", .unexpectedCharacter(" ", offset: 0)),
        (" 1", .unexpectedCharacter(" ", offset: 0)),
        ("1 ", .unexpectedCharacter(" ", offset: 1)),
        ("1\n", .unexpectedCharacter("\n", offset: 1)),
        ("abc", .unexpectedCharacter("a", offset: 0)),
        ("1.2.3", .unexpectedCharacter(".", offset: 3)),
        (".5", .missingIntegerDigits),
        ("-.5", .missingIntegerDigits),
        ("-", .missingIntegerDigits),
        ("+", .missingIntegerDigits),
        ("5.", .missingFractionDigits),
        ("5.e3", .unexpectedCharacter("e", offset: 2)),
        ("1e", .missingExponentDigits),
        ("1e+", .missingExponentDigits),
        ("1e-x", .unexpectedCharacter("x", offset: 3)),
        ("1e5.5", .unexpectedCharacter(".", offset: 3)),
        ("NaN", .unexpectedCharacter("N", offset: 0)),
        ("nan", .unexpectedCharacter("n", offset: 0)),
        ("inf", .unexpectedCharacter("i", offset: 0)),
        ("-Infinity", .unexpectedCharacter("I", offset: 1)),
        ("1,000", .unexpectedCharacter(",", offset: 1)),
        ("--1", .unexpectedCharacter("-", offset: 1)),
        ("+-1", .unexpectedCharacter("-", offset: 1)),
        ("0x10", .unexpectedCharacter("x", offset: 1)),
        ("1_000", .unexpectedCharacter("_", offset: 1)),
        ("\u{0661}", .unexpectedCharacter("\u{0661}", offset: 0)),
        ("0.0000000000000000001", .tooManyFractionalDigits(19)),
        ("0.0000000000000000000", .tooManyFractionalDigits(19)),
        ("1e-19", .tooManyFractionalDigits(19)),
        ("1.5e-18", .tooManyFractionalDigits(19)),
        ("1e-99999", .tooManyFractionalDigits(99999)),
        ("1e99999999999999999999", .exponentOutOfRange),
        ("1e-99999999999999999999", .exponentOutOfRange),
        ("1e19", .valueOutOfRange),
        ("9223372036854775808", .valueOutOfRange),
        ("-9223372036854775809", .valueOutOfRange),
        ("9.223372036854775808", .valueOutOfRange),
        ("12345678901234567890e-10", .valueOutOfRange),
        ("99999999999999999999999999999999999999999", .valueOutOfRange),
        ("1e100", .valueOutOfRange),
    ])
    func refuses(text: String, reason: Reason) {
        let error = #expect(throws: DecimalParseError.self) { try FixedPoint.parse(text) }
        #expect(error?.reason == reason)
        #expect(error?.input == text)
    }

    @Test func errorNamesInputAndReason() {
        let error = #expect(throws: DecimalParseError.self) { try FixedPoint(parsing: "1,000") }
        let text = error?.description ?? ""
        #expect(text.contains("\"1,000\""))
        #expect(text.contains("unexpected character \",\" at offset 1"))
        #expect(DecimalParseError(input: "", reason: .empty).description.contains("empty"))
        #expect(DecimalParseError(input: "1e-19", reason: .tooManyFractionalDigits(19)).description.contains("19 fractional digits"))
    }

    @Test func integerInitialisers() {
        #expect(FixedPoint(integer: -5).description == "-5")
        #expect(FixedPoint(exactly: Int(Int64.max))?.units == Int64.max)
        #expect(FixedPoint(exactly: 0)?.scale == 0)
    }
}
