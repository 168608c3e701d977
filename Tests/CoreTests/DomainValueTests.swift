import Foundation
import Testing
import Core

@Suite("Price, Quantity, Money")
struct DomainValueTests {
    @Test func notionalIsExact() throws {
        let notional = try Price(parsing: "60000.5") * Quantity(parsing: "0.001")
        #expect(notional == Money(try fp("60.0005")))
        #expect(notional.description == "60.0005")
        let reversed = try Quantity(parsing: "0.001") * Price(parsing: "60000.5")
        #expect(reversed == notional)
        let wide = try Price(parsing: "60000.12345678") * Quantity(parsing: "1.00000000")
        #expect(wide == Money(try fp("60000.12345678")))
    }

    @Test func notionalOverflowThrows() throws {
        let price = Price(FixedPoint(integer: .max))
        #expect(throws: FixedPointError.overflow) { try price * Quantity(parsing: "2") }
    }

    @Test func notionalRoundedToScale() throws {
        let price = try Price(parsing: "60000.12")
        let quantity = try Quantity(parsing: "0.123")
        #expect(try price.notional(of: quantity, scale: 2, rounding: .nearest).description == "7380.01")
        #expect(try price.notional(of: quantity, scale: 2, rounding: .up).description == "7380.02")
    }

    @Test func priceRoundsToTick() throws {
        let tick = try Price(parsing: "0.10")
        let price = try Price(parsing: "60000.15")
        #expect(try price.rounded(toTick: tick, mode: .down).description == "60000.10")
        #expect(try price.rounded(toTick: tick, mode: .up).description == "60000.20")
        #expect(try price.rounded(toTick: tick, mode: .nearest).description == "60000.20")
        #expect(!price.isMultiple(ofTick: tick))
        #expect(try Price(parsing: "60000.1").isMultiple(ofTick: tick))
        #expect(throws: FixedPointError.self) { try price.rounded(toTick: .zero, mode: .down) }
    }

    @Test func quantityRoundsToStep() throws {
        let step = try Quantity(parsing: "0.001")
        #expect(try Quantity(parsing: "0.0129").rounded(toStep: step, mode: .towardZero).description == "0.012")
        #expect(try Quantity(parsing: "0.0121").rounded(toStep: step, mode: .up).description == "0.013")
        #expect(try Quantity(parsing: "0.012").isMultiple(ofStep: step))
        #expect(try !Quantity(parsing: "0.0125").isMultiple(ofStep: step))
    }

    @Test func quantityAndMoneyArithmetic() throws {
        #expect(try (Quantity(parsing: "1.5") + Quantity(parsing: "0.25")).description == "1.75")
        #expect(try (Quantity(parsing: "1") - Quantity(parsing: "0.4")).description == "0.6")
        #expect(try (Money(parsing: "10.00") - Money(parsing: "12.5")).description == "-2.50")
        #expect(try (Money(parsing: "-1") + Money(parsing: "0.01")).description == "-0.99")
        #expect(try Money(parsing: "3.14").negated().description == "-3.14")
        #expect(try Money(parsing: "1.005").rounded(scale: 2, mode: .nearest).description == "1.01")
        #expect(throws: FixedPointError.overflow) { try Money(FixedPoint(integer: .max)) + Money(parsing: "1") }
    }

    @Test func comparisonsAndPredicates() throws {
        #expect(try Price(parsing: "1.0") == Price(parsing: "1.00"))
        #expect(try Price(parsing: "0.99") < Price(parsing: "1"))
        #expect(try Quantity(parsing: "2") > Quantity(parsing: "1.999"))
        #expect(Money.zero.isZero)
        #expect(try Money(parsing: "-0.01").isNegative)
        #expect(try !Money(parsing: "0.00").isNegative)
        #expect(try Quantity(parsing: "0.5").isPositive)
        #expect(try Price(parsing: "1.250").scale == 3)
        #expect(try max(Price(parsing: "3"), Price(parsing: "3.5")).description == "3.5")
    }

    @Test func codableIsPlainDecimalString() throws {
        let price = try Price(parsing: "0.00100")
        let data = try JSONEncoder().encode(price)
        #expect(String(decoding: data, as: UTF8.self) == #""0.00100""#)
        let decoded = try JSONDecoder().decode(Price.self, from: data)
        #expect(decoded.value.units == 100 && decoded.value.scale == 5)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Quantity.self, from: Data("\"abc\"".utf8)) }
    }

    @Test func parsingErrorsPropagate() {
        let error = #expect(throws: DecimalParseError.self) { try Price(parsing: "5.") }
        #expect(error?.reason == .missingFractionDigits)
    }
}
