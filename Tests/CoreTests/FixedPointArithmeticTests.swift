import Testing
@testable import Core

@Suite("FixedPoint arithmetic")
struct FixedPointArithmeticTests {
    let max = FixedPoint(integer: .max)
    let min = FixedPoint(integer: .min)

    @Test func initRejectsScaleAbove18() throws {
        #expect(throws: FixedPointError.scaleTooLarge(19)) { try FixedPoint(units: 1, scale: 19) }
        let value = try FixedPoint(units: 1, scale: 18)
        #expect(value.description == "0.000000000000000001")
        #expect(FixedPoint(exactly: 42) == FixedPoint(integer: 42))
    }

    @Test func addingAlignsToLargerScale() throws {
        let sum = try fp("1.5") + fp("0.25")
        #expect(sum.description == "1.75")
        #expect(sum.scale == 2)
        #expect(try (fp("1") - fp("0.001")).description == "0.999")
        #expect(try fp("-2.50").adding(fp("2.5")).description == "0.00")
        #expect(try fp("0.1").subtracting(fp("0.3")).description == "-0.2")
    }

    @Test func addingOverflowThrows() throws {
        let oneUnit = FixedPoint(integer: 1)
        #expect(throws: FixedPointError.overflow) { try max + oneUnit }
        #expect(throws: FixedPointError.overflow) { try min - oneUnit }
        #expect(throws: FixedPointError.overflow) { try min.subtracting(oneUnit) }
        // Aligning Int64.max to scale 1 does not fit, even though the sum is "small".
        #expect(throws: FixedPointError.overflow) { try max + fp("-0.1") }
        // Edges that do fit.
        #expect(try (max + fp("-1")).units == Int64.max - 1)
        #expect(try (min + oneUnit).units == Int64.min + 1)
        #expect(try (max + min).units == -1)
    }

    @Test func negation() throws {
        #expect(try fp("1.50").negated().description == "-1.50")
        #expect(try fp("-0.001").negated().description == "0.001")
        #expect(try max.negated().units == -Int64.max)
        #expect(throws: FixedPointError.overflow) { try min.negated() }
    }

    @Test func exactMultiplicationAddsScales() throws {
        let product = try fp("1.5") * fp("2.25")
        #expect(product.description == "3.375")
        #expect(try fp("60000.5").multiplied(by: fp("0.001")).description == "60.0005")
        #expect(try (fp("-2") * fp("0.50")).description == "-1.00")
    }

    @Test func exactMultiplicationDropsTrailingZerosOnlyWhenNeeded() throws {
        // 6000012345678e-8 * 100000000e-8 would need units 6.0e20 at scale 16; two trailing
        // zeros are dropped (scale 14), no more.
        let product = try fp("60000.12345678") * fp("1.00000000")
        #expect(product.description == "60000.12345678000000")
        #expect(product.scale == 14)
        // Scale 20 is reduced to 18 exactly.
        let small = try fp("0.0000000001") * fp("1.0000000000")
        #expect(small.scale == 18)
        #expect(small == (try fp("1e-10")))
    }

    @Test func multiplicationThatCannotBeExactThrows() throws {
        #expect(throws: FixedPointError.scaleTooLarge(20)) { try fp("0.0000000001") * fp("0.0000000001") }
        #expect(throws: FixedPointError.overflow) { try max * fp("2") }
        #expect(throws: FixedPointError.overflow) { try min * fp("-1") }
        #expect(throws: FixedPointError.overflow) { try fp("4294967296") * fp("4294967296") }
        #expect(try (fp("3037000499") * fp("3037000499")).units == 3_037_000_499 * 3_037_000_499)
    }

    @Test(arguments: [
        ("1.005", "1", UInt8(2), RoundingMode.nearest, "1.01"),
        ("1.005", "1", 2, .down, "1.00"),
        ("1.005", "1", 2, .up, "1.01"),
        ("1.005", "1", 2, .towardZero, "1.00"),
        ("-1.005", "1", 2, .nearest, "-1.01"),
        ("-1.005", "1", 2, .up, "-1.00"),
        ("-1.005", "1", 2, .down, "-1.01"),
        ("-1.005", "1", 2, .towardZero, "-1.00"),
        ("1.5", "2", 4, .nearest, "3.0000"),
        ("0.0000000001", "0.0000000001", 18, .up, "0.000000000000000001"),
        ("0.0000000001", "0.0000000001", 18, .down, "0.000000000000000000"),
        ("60000.12", "0.123", 2, .nearest, "7380.01"),
    ])
    func multiplicationToScale(lhs: String, rhs: String, scale: UInt8, mode: RoundingMode, expected: String) throws {
        #expect(try fp(lhs).multiplied(by: fp(rhs), scale: scale, rounding: mode).description == expected)
    }

    @Test func multiplicationToScaleErrors() throws {
        #expect(throws: FixedPointError.overflow) { try max.multiplied(by: fp("1"), scale: 1, rounding: .nearest) }
        #expect(throws: FixedPointError.scaleTooLarge(19)) { try fp("1").multiplied(by: fp("1"), scale: 19, rounding: .nearest) }
    }

    @Test(arguments: [
        ("1", "3", UInt8(4), RoundingMode.down, "0.3333"),
        ("1", "3", 4, .up, "0.3334"),
        ("1", "3", 4, .nearest, "0.3333"),
        ("1", "3", 4, .towardZero, "0.3333"),
        ("2", "3", 4, .nearest, "0.6667"),
        ("-1", "3", 4, .down, "-0.3334"),
        ("-1", "3", 4, .up, "-0.3333"),
        ("-1", "3", 4, .towardZero, "-0.3333"),
        ("1", "-8", 2, .nearest, "-0.13"),
        ("1", "8", 2, .nearest, "0.13"),
        ("-1", "-8", 3, .down, "0.125"),
        ("10", "0.25", 0, .nearest, "40"),
        ("0.001", "1000", 6, .nearest, "0.000001"),
        ("100.00", "3.000", 1, .up, "33.4"),
        // A naive numerator (units * 10^36) would overflow even 128 bits.
        ("9.223372036854775807", "9.223372036854775807", 18, .nearest, "1.000000000000000000"),
        ("9.223372036854775807", "9223372036854775807", 18, .nearest, "0.000000000000000001"),
        ("9.223372036854775807", "9223372036854775807", 18, .down, "0.000000000000000001"),
        ("-9.223372036854775808", "9.223372036854775807", 18, .down, "-1.000000000000000001"),
        ("-9.223372036854775808", "9.223372036854775807", 18, .towardZero, "-1.000000000000000000"),
        ("-9223372036854775808", "1", 0, .nearest, "-9223372036854775808"),
    ])
    func division(lhs: String, rhs: String, scale: UInt8, mode: RoundingMode, expected: String) throws {
        #expect(try fp(lhs).divided(by: fp(rhs), scale: scale, rounding: mode).description == expected)
    }

    @Test func divisionErrors() throws {
        #expect(throws: FixedPointError.divisionByZero) { try fp("1").divided(by: fp("0.00"), scale: 2, rounding: .nearest) }
        #expect(throws: FixedPointError.overflow) { try max.divided(by: fp("0.5"), scale: 0, rounding: .nearest) }
        #expect(throws: FixedPointError.overflow) { try min.divided(by: fp("-1"), scale: 0, rounding: .nearest) }
        #expect(throws: FixedPointError.overflow) { try fp("1").divided(by: fp("3"), scale: 18, rounding: .nearest).multiplied(by: max) }
        #expect(throws: FixedPointError.scaleTooLarge(19)) { try fp("1").divided(by: fp("3"), scale: 19, rounding: .nearest) }
        #expect(throws: FixedPointError.overflow) { try fp("10").divided(by: fp("1"), scale: 18, rounding: .nearest) }
        #expect(throws: FixedPointError.overflow) {
            try max.divided(by: fp("9.223372036854775807"), scale: 18, rounding: .nearest)
        }
    }

    @Test func errorsDescribeThemselves() {
        #expect(FixedPointError.overflow.description.contains("overflow"))
        #expect(FixedPointError.divisionByZero.description.contains("division by zero"))
        #expect(FixedPointError.scaleTooLarge(20).description.contains("20"))
        #expect(FixedPointError.inexact.description.contains("inexact"))
    }
}
