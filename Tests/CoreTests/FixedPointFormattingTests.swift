import Foundation
import Testing
import Core

@Suite("FixedPoint formatting, equality and Codable")
struct FixedPointFormattingTests {
    static let unitSamples: [Int64] = [
        0, 1, -1, 5, -5, 9, 10, -10, 100, -100, 12_345, -12_345, 123_456_789, 1_000_000_000_000_000_000,
        -999_999_999_999_999_999, .max, .min, .max - 1, .min + 1,
    ]

    @Test(arguments: UInt8(0)...18, unitSamples)
    func roundTripsThroughDescription(scale: UInt8, units: Int64) throws {
        let value = try FixedPoint(units: units, scale: scale)
        let text = value.description
        let parsed = try FixedPoint.parse(text)
        #expect(parsed.units == units)
        #expect(parsed.scale == scale)
        // Exactly `scale` fractional digits, no exponent, and zero has no sign.
        let fraction = text.split(separator: ".", omittingEmptySubsequences: false)
        #expect(fraction.count == (scale == 0 ? 1 : 2))
        if scale > 0 { #expect(fraction[1].count == Int(scale)) }
        #expect(!text.contains("e"))
        #expect(text.hasPrefix("-") == (units < 0))
    }

    @Test(arguments: [
        (Int64(100), UInt8(5), "0.00100"),
        (-125, 1, "-12.5"),
        (0, 0, "0"),
        (0, 3, "0.000"),
        (1, 1, "0.1"),
        (-1, 18, "-0.000000000000000001"),
        (.min, 18, "-9.223372036854775808"),
        (.max, 18, "9.223372036854775807"),
        (.max, 0, "9223372036854775807"),
        (.min, 0, "-9223372036854775808"),
        (123_456, 3, "123.456"),
        (-1_000, 3, "-1.000"),
    ])
    func description(units: Int64, scale: UInt8, expected: String) throws {
        #expect(try FixedPoint(units: units, scale: scale).description == expected)
    }

    @Test(arguments: [
        ("1.2500", "1.25"), ("0.000", "0"), ("100", "100"), ("-1.10", "-1.1"), ("-0.00", "0"), ("10.0", "10"),
        ("0.000000000000000010", "0.00000000000000001"),
    ])
    func normalized(text: String, expected: String) throws {
        let normal = try fp(text).normalized
        #expect(normal.description == expected)
        #expect(normal == (try fp(text)))
    }

    @Test func equalityIsNumericAcrossScales() throws {
        #expect(try fp("1.0") == fp("1.00"))
        #expect(try fp("1") == fp("1.000000000000000000"))
        #expect(try fp("-0.0") == fp("0"))
        #expect(try fp("1.01") != fp("1.1"))
        #expect(try fp("0.000000000000000001") != fp("0"))
        #expect(try FixedPoint(units: .max, scale: 0) != FixedPoint(units: .max, scale: 18))
    }

    @Test func hashIsConsistentWithEquality() throws {
        let values = try ["1", "1.0", "1.00", "1.000000000000000000", "2", "2.00", "-0", "0.000", "0.5", "0.50"].map(fp)
        #expect(Set(values).count == 4)
        #expect(try fp("1.0").hashValue == fp("1.00").hashValue)
        #expect(try fp("-2.500").hashValue == fp("-2.5").hashValue)
        var dictionary: [FixedPoint: String] = [:]
        dictionary[try fp("0.10")] = "tick"
        #expect(dictionary[try fp("0.1")] == "tick")
    }

    @Test func orderingIsNumericAcrossScales() throws {
        #expect(try fp("0.999") < fp("1"))
        #expect(try fp("-1.5") < fp("-1.49"))
        #expect(try fp("1.10") > fp("1.09999"))
        #expect(try FixedPoint(units: .max, scale: 18) < FixedPoint(units: .max, scale: 0))
        #expect(try FixedPoint(units: .min, scale: 0) < FixedPoint(units: .min, scale: 18))
        let sorted = try ["3", "-1.5", "0.25", "0.2500001", "-1.50001", "0"].map(fp).sorted()
        #expect(sorted.map(\.description) == ["-1.50001", "-1.5", "0", "0.25", "0.2500001", "3"])
    }

    @Test func codableUsesExactStrings() throws {
        let value = try fp("0.00100")
        let data = try JSONEncoder().encode([value])
        #expect(String(decoding: data, as: UTF8.self) == #"["0.00100"]"#)
        let decoded = try JSONDecoder().decode([FixedPoint].self, from: data)
        #expect(decoded[0].units == 100 && decoded[0].scale == 5)
    }

    @Test func decodingRefusesNumbersAndBadStrings() {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([FixedPoint].self, from: Data("[1.5]".utf8)) }
        let error = #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([FixedPoint].self, from: Data(#"["1,5"]"#.utf8))
        }
        guard case .dataCorrupted(let context)? = error else {
            Issue.record("expected dataCorrupted, got \(String(describing: error))")
            return
        }
        #expect(context.debugDescription.contains("\"1,5\""))
    }
}
