import Testing
import Core

@Suite("FixedPoint rounding and rescaling")
struct FixedPointRoundingTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let value: String
        let increment: String
        /// Expected results for .down, .up, .towardZero, .nearest.
        let down: String, up: String, towardZero: String, nearest: String
        var testDescription: String { "\(value) to \(increment)" }

        func expected(_ mode: RoundingMode) -> String {
            switch mode {
            case .down: return down
            case .up: return up
            case .towardZero: return towardZero
            case .nearest: return nearest
            }
        }
    }

    static let cases: [Case] = [
        Case(value: "1.26", increment: "0.5", down: "1.0", up: "1.5", towardZero: "1.0", nearest: "1.5"),
        Case(value: "1.24", increment: "0.5", down: "1.0", up: "1.5", towardZero: "1.0", nearest: "1.0"),
        Case(value: "-1.26", increment: "0.5", down: "-1.5", up: "-1.0", towardZero: "-1.0", nearest: "-1.5"),
        Case(value: "-1.24", increment: "0.5", down: "-1.5", up: "-1.0", towardZero: "-1.0", nearest: "-1.0"),
        // Exact ties go away from zero.
        Case(value: "1.25", increment: "0.5", down: "1.0", up: "1.5", towardZero: "1.0", nearest: "1.5"),
        Case(value: "-1.25", increment: "0.5", down: "-1.5", up: "-1.0", towardZero: "-1.0", nearest: "-1.5"),
        // Exact multiples are unchanged in every mode (only the scale follows the increment).
        Case(value: "1.500", increment: "0.5", down: "1.5", up: "1.5", towardZero: "1.5", nearest: "1.5"),
        Case(value: "-1.5", increment: "0.5", down: "-1.5", up: "-1.5", towardZero: "-1.5", nearest: "-1.5"),
        Case(value: "0", increment: "0.5", down: "0.0", up: "0.0", towardZero: "0.0", nearest: "0.0"),
        Case(value: "5", increment: "0.25", down: "5.00", up: "5.00", towardZero: "5.00", nearest: "5.00"),
        // Typical tick sizes.
        Case(value: "123.456789", increment: "0.01", down: "123.45", up: "123.46", towardZero: "123.45", nearest: "123.46"),
        Case(value: "-123.454", increment: "0.01", down: "-123.46", up: "-123.45", towardZero: "-123.45", nearest: "-123.45"),
        Case(value: "60000.15", increment: "0.10", down: "60000.10", up: "60000.20", towardZero: "60000.10", nearest: "60000.20"),
        // Increments that are not powers of ten.
        Case(value: "0.01", increment: "0.003", down: "0.009", up: "0.012", towardZero: "0.009", nearest: "0.009"),
        Case(value: "1234.5", increment: "10", down: "1230", up: "1240", towardZero: "1230", nearest: "1230"),
        Case(value: "1235", increment: "10", down: "1230", up: "1240", towardZero: "1230", nearest: "1240"),
        Case(value: "-1235", increment: "10", down: "-1240", up: "-1230", towardZero: "-1230", nearest: "-1240"),
        // Tiny negatives round to zero (never "-0").
        Case(value: "-0.001", increment: "0.01", down: "-0.01", up: "0.00", towardZero: "0.00", nearest: "0.00"),
        Case(value: "0.000000000000000001", increment: "0.000000000000000003",
             down: "0.000000000000000000", up: "0.000000000000000003",
             towardZero: "0.000000000000000000", nearest: "0.000000000000000000"),
    ]

    @Test(arguments: cases, RoundingMode.allCases)
    func roundingToIncrement(_ testCase: Case, mode: RoundingMode) throws {
        let increment = try fp(testCase.increment)
        let result = try fp(testCase.value).rounded(toIncrement: increment, mode: mode)
        #expect(result.description == testCase.expected(mode))
        #expect(result.scale == increment.scale)
        #expect(result.isMultiple(of: increment))
    }

    @Test func incrementMustBePositive() throws {
        #expect(throws: FixedPointError.nonPositiveIncrement(.zero)) { try fp("1").rounded(toIncrement: .zero, mode: .down) }
        let negative = try fp("-0.5")
        #expect(throws: FixedPointError.nonPositiveIncrement(negative)) { try fp("1").rounded(toIncrement: negative, mode: .down) }
    }

    @Test func roundingToIncrementOverflowThrows() throws {
        let max = FixedPoint(integer: .max)
        #expect(throws: FixedPointError.overflow) { try max.rounded(toIncrement: fp("10"), mode: .up) }
        #expect(throws: FixedPointError.overflow) { try max.rounded(toIncrement: fp("0.5"), mode: .down) }
        #expect(try max.rounded(toIncrement: fp("10"), mode: .down).units == 9_223_372_036_854_775_800)
        #expect(throws: FixedPointError.overflow) { try FixedPoint(integer: .min).rounded(toIncrement: fp("10"), mode: .down) }
    }

    @Test func isMultipleOf() throws {
        #expect(try fp("1.50").isMultiple(of: fp("0.5")))
        #expect(try !fp("1.25").isMultiple(of: fp("0.5")))
        #expect(try fp("-1.5").isMultiple(of: fp("0.5")))
        #expect(try fp("3").isMultiple(of: fp("-1.5")))
        #expect(try fp("0").isMultiple(of: fp("0")))
        #expect(try !fp("1").isMultiple(of: fp("0")))
        #expect(try fp("0.000000000000000003").isMultiple(of: fp("0.000000000000000001")))
    }

    @Test func rescaleUpIsExact() throws {
        #expect(try fp("1.5").rescaled(to: 4).description == "1.5000")
        #expect(try fp("-7").rescaled(to: 18).description == "-7.000000000000000000")
        #expect(throws: FixedPointError.overflow) { try fp("10").rescaled(to: 18) }
        #expect(throws: FixedPointError.overflow) { try FixedPoint(integer: .max).rescaled(to: 1) }
        #expect(throws: FixedPointError.scaleTooLarge(19)) { try fp("1").rescaled(to: 19) }
    }

    @Test func rescaleDownRefusesToDropDigits() throws {
        #expect(try fp("1.2500").rescaled(to: 2).description == "1.25")
        #expect(try fp("-3.000").rescaled(to: 0).description == "-3")
        #expect(throws: FixedPointError.inexact) { try fp("1.2500").rescaled(to: 1) }
        #expect(throws: FixedPointError.inexact) { try fp("-0.001").rescaled(to: 2) }
    }

    @Test(arguments: [
        ("1.2345", UInt8(2), RoundingMode.down, "1.23"),
        ("1.2345", 2, .up, "1.24"),
        ("1.2345", 2, .towardZero, "1.23"),
        ("1.2350", 2, .nearest, "1.24"),
        ("1.2349", 2, .nearest, "1.23"),
        ("-1.2345", 2, .down, "-1.24"),
        ("-1.2345", 2, .up, "-1.23"),
        ("-1.2345", 2, .towardZero, "-1.23"),
        ("-1.235", 2, .nearest, "-1.24"),
        ("-0.4", 0, .nearest, "0"),
        ("-0.5", 0, .nearest, "-1"),
        ("9.5", 0, .up, "10"),
        ("1.5", 3, .down, "1.500"),
        ("-9.223372036854775808", 0, .down, "-10"),
    ])
    func roundedToScale(value: String, scale: UInt8, mode: RoundingMode, expected: String) throws {
        #expect(try fp(value).rounded(scale: scale, mode: mode).description == expected)
    }

    @Test func roundedToScaleErrors() throws {
        #expect(throws: FixedPointError.scaleTooLarge(19)) { try fp("1").rounded(scale: 19, mode: .down) }
        #expect(throws: FixedPointError.overflow) { try FixedPoint(integer: .max).rounded(scale: 1, mode: .down) }
        let nearMax = try FixedPoint(units: .max, scale: 1)
        #expect(try nearMax.rounded(scale: 0, mode: .down).units == Int64.max / 10)
    }
}
