import Core
import Exchange
import Foundation
import Testing

@Suite("Bybit instrument rules")
struct BybitInstrumentRulesTests {
    let rules: InstrumentRules
    let btc: Symbol

    init() throws {
        rules = try #require(try BybitMarketDecoder.instrumentsPage(from: bybitReply(
            #"{"category":"linear","list":[\#(btcInstrument)],"nextPageCursor":""}"#)).instruments.first)
        btc = try Symbol("BTCUSDT")
    }

    func limit(_ qty: String, at price: String, leverage: String? = nil) -> BybitOrderCheck {
        BybitOrderCheck(side: .buy, quantity: Quantity(fp(qty)), kind: .limit(price: Price(fp(price))),
                        leverage: leverage.map(fp))
    }

    func market(_ qty: String, reference: String) -> BybitOrderCheck {
        BybitOrderCheck(side: .sell, quantity: Quantity(fp(qty)), kind: .market(referencePrice: Price(fp(reference))))
    }

    @Test("valid orders pass")
    func valid() throws {
        try rules.validate(order: limit("0.001", at: "65000.10", leverage: "10"))
        try rules.validate(order: limit("1190", at: "0.10"))  // notional 119 >= 5
        try rules.validate(order: market("119", reference: "65000"))
        try rules.validate(order: limit("0.5", at: "65000", leverage: "100.00"))
        try rules.validate(order: limit("0.5", at: "65000", leverage: "2.55"))
    }

    @Test("price off tick")
    func priceOffTick() {
        #expect(throws: InstrumentRuleViolation.priceNotOnTick(
            symbol: btc, price: Price(fp("65000.15")), tickSize: Price(fp("0.10")))) {
            try rules.validate(order: limit("0.01", at: "65000.15"))
        }
    }

    @Test("price outside the filter range")
    func priceRange() {
        #expect(throws: InstrumentRuleViolation.priceOutOfRange(
            symbol: btc, price: Price(fp("2000000")), minPrice: Price(fp("0.10")), maxPrice: Price(fp("1999999.80")))) {
            try rules.validate(order: limit("0.01", at: "2000000"))
        }
    }

    @Test("quantity off step, below min, above max, above market max")
    func quantity() {
        #expect(throws: InstrumentRuleViolation.quantityNotOnStep(
            symbol: btc, quantity: Quantity(fp("0.0015")), qtyStep: Quantity(fp("0.001")))) {
            try rules.validate(order: limit("0.0015", at: "65000"))
        }
        #expect(throws: InstrumentRuleViolation.quantityBelowMinimum(
            symbol: btc, quantity: Quantity(fp("0")), minOrderQty: Quantity(fp("0.001")))) {
            try rules.validate(order: limit("0", at: "65000"))
        }
        #expect(throws: InstrumentRuleViolation.quantityAboveMaximum(
            symbol: btc, quantity: Quantity(fp("1190.001")), maxOrderQty: Quantity(fp("1190")))) {
            try rules.validate(order: limit("1190.001", at: "65000"))
        }
        // 120 is a fine limit order but too big for a market order.
        #expect(throws: InstrumentRuleViolation.marketQuantityAboveMaximum(
            symbol: btc, quantity: Quantity(fp("120")), maxMarketOrderQty: Quantity(fp("119")))) {
            try rules.validate(order: market("120", reference: "65000"))
        }
    }

    @Test("notional below the minimum, limit and market")
    func notional() {
        #expect(throws: InstrumentRuleViolation.notionalBelowMinimum(
            symbol: btc, notional: Money(fp("4.9990")), minNotional: Money(fp("5")))) {
            try rules.validate(order: limit("0.001", at: "4999.0"))
        }
        #expect(throws: InstrumentRuleViolation.notionalBelowMinimum(
            symbol: btc, notional: Money(fp("3")), minNotional: Money(fp("5")))) {
            try rules.validate(order: market("0.001", reference: "3000"))
        }
        #expect(InstrumentRuleViolation.notionalBelowMinimum(
            symbol: btc, notional: Money(fp("3")), minNotional: Money(fp("5"))).rule == "minNotionalValue")
    }

    @Test("leverage out of range or off step")
    func leverage() {
        #expect(throws: InstrumentRuleViolation.leverageOutOfRange(
            symbol: btc, leverage: fp("101"), minLeverage: fp("1"), maxLeverage: fp("100.00"))) {
            try rules.validate(order: limit("0.01", at: "65000", leverage: "101"))
        }
        #expect(throws: InstrumentRuleViolation.leverageOutOfRange(
            symbol: btc, leverage: fp("0.5"), minLeverage: fp("1"), maxLeverage: fp("100.00"))) {
            try rules.validate(order: limit("0.01", at: "65000", leverage: "0.5"))
        }
        #expect(throws: InstrumentRuleViolation.leverageNotOnStep(
            symbol: btc, leverage: fp("2.555"), leverageStep: fp("0.01"))) {
            try rules.validate(order: limit("0.01", at: "65000", leverage: "2.555"))
        }
    }

    @Test("an instrument that is not trading refuses everything")
    func notTrading() throws {
        let closed = InstrumentRules(
            symbol: btc, status: .closed, minPrice: rules.minPrice, maxPrice: rules.maxPrice, tickSize: rules.tickSize,
            qtyStep: rules.qtyStep, minOrderQty: rules.minOrderQty, maxOrderQty: rules.maxOrderQty,
            maxMarketOrderQty: rules.maxMarketOrderQty, minNotional: rules.minNotional,
            minLeverage: rules.minLeverage, maxLeverage: rules.maxLeverage, leverageStep: rules.leverageStep)
        #expect(throws: InstrumentRuleViolation.notTrading(symbol: btc, status: .closed)) {
            try closed.validate(order: limit("0.01", at: "65000"))
        }
    }

    @Test("violations name the rule and the values")
    func descriptions() {
        let violation = InstrumentRuleViolation.priceNotOnTick(
            symbol: btc, price: Price(fp("65000.15")), tickSize: Price(fp("0.10")))
        #expect(violation.rule == "tickSize")
        #expect(violation.description == "BTCUSDT: price 65000.15 is not a multiple of tick size 0.10")
    }

    @Test("rounding helpers: price to tick, quantity down to step")
    func rounding() throws {
        #expect(try rules.roundPrice(Price(fp("65000.15")), mode: .down) == Price(fp("65000.1")))
        #expect(try rules.roundPrice(Price(fp("65000.15")), mode: .up) == Price(fp("65000.2")))
        #expect(try rules.roundPrice(Price(fp("65000.15")), mode: .down).description == "65000.10")
        #expect(try rules.roundQuantityDown(Quantity(fp("0.0019999"))) == Quantity(fp("0.001")))
        #expect(try rules.roundQuantityDown(Quantity(fp("1.5"))).description == "1.500")
        let sized = try rules.roundQuantityDown(Quantity(fp("0.12345")))
        try rules.validate(order: limit(sized.description, at: "65000.10"))
    }
}
