import Foundation
import Testing
import Core

@Suite("Domain records")
struct RecordTests {
    func price(_ text: String) throws -> Price { try Price(parsing: text) }
    func quantity(_ text: String) throws -> Quantity { try Quantity(parsing: text) }

    func candle(
        open: String = "100", high: String = "110", low: String = "90", close: String = "105",
        volume: String = "12.5", turnover: String? = "1250", openTime: Int64 = 1_700_000_100_000
    ) throws -> Candle {
        try Candle(
            symbol: symbol(), timeframe: .m5, openTime: Timestamp(milliseconds: openTime),
            open: price(open), high: price(high), low: price(low), close: price(close),
            volume: quantity(volume), turnover: turnover.map { try Money(parsing: $0) }, isClosed: true)
    }

    func expectInvalid(_ field: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
        let error = #expect(throws: RecordValidationError.self, sourceLocation: sourceLocation) { try body() }
        #expect(error?.field == field, sourceLocation: sourceLocation)
    }

    @Test func validCandle() throws {
        let c = try candle()
        #expect(c.closeTime == Timestamp(milliseconds: 1_700_000_400_000))
        _ = try candle(open: "90", high: "90", low: "90", close: "90", volume: "0", turnover: nil)
    }

    @Test func candleValidation() throws {
        expectInvalid("high") { _ = try candle(high: "89") }
        expectInvalid("open") { _ = try candle(open: "111") }
        expectInvalid("open") { _ = try candle(open: "89.99") }
        expectInvalid("close") { _ = try candle(close: "110.01") }
        expectInvalid("close") { _ = try candle(close: "89") }
        expectInvalid("volume") { _ = try candle(volume: "-0.001") }
        expectInvalid("turnover") { _ = try candle(turnover: "-1") }
        expectInvalid("low") { _ = try candle(open: "0", low: "0", close: "0") }
        expectInvalid("openTime") { _ = try candle(openTime: 1_700_000_100_001) }
        let error = #expect(throws: RecordValidationError.self) { _ = try candle(high: "89") }
        #expect(error?.description == "invalid Candle: high: high 89 is below low 90")
    }

    @Test func candleCodableRoundTripAndValidatesOnDecode() throws {
        let original = try candle()
        let data = try JSONEncoder().encode(original)
        #expect(try JSONDecoder().decode(Candle.self, from: data) == original)
        var json = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        json["high"] = "80"
        let bad = try JSONSerialization.data(withJSONObject: json)
        #expect(throws: RecordValidationError.self) { try JSONDecoder().decode(Candle.self, from: bad) }
    }

    @Test func tradeValidation() throws {
        let trade = try Trade(id: "t1", symbol: symbol(), price: price("1"), quantity: quantity("0.1"), takerSide: .buy, time: .epoch)
        #expect(trade.takerSide == .buy)
        expectInvalid("quantity") {
            _ = try Trade(id: "t1", symbol: symbol(), price: price("1"), quantity: quantity("0"), takerSide: .buy, time: .epoch)
        }
        expectInvalid("price") {
            _ = try Trade(id: "t1", symbol: symbol(), price: price("-1"), quantity: quantity("1"), takerSide: .sell, time: .epoch)
        }
        expectInvalid("id") {
            _ = try Trade(id: "", symbol: symbol(), price: price("1"), quantity: quantity("1"), takerSide: .sell, time: .epoch)
        }
    }

    /// By default one target closes everything, two close half each.
    func intent(
        side: Side, kind: IntentKind = .entry, entry: EntryOrder = .market, stopLoss: String?, takeProfits: [String],
        fractions: [String]? = nil, breakEvenAfterTarget: Int = 0, confidence: Double = 0.5
    ) throws -> Intent {
        let fractions = fractions ?? takeProfits.map { _ in takeProfits.count == 1 ? "1" : "0.5" }
        return try Intent(
            id: "i1", strategy: "macd_rsi", symbol: symbol(), side: side, kind: kind, referencePrice: price("100"), entry: entry,
            stopLoss: stopLoss.map(price),
            takeProfits: zip(takeProfits, fractions).map { try TakeProfitTarget(price: price($0), fraction: FixedPoint(parsing: $1)) },
            trailing: try TrailingRule(offset: .fraction(FixedPoint(parsing: "0.01")), afterTarget: 1),
            breakEvenAfterTarget: breakEvenAfterTarget, timeframe: .m5,
            candleTime: Timestamp(milliseconds: 1_700_000_100_000), createdAt: Timestamp(milliseconds: 1_700_000_400_000),
            expiresAt: Timestamp(milliseconds: 1_700_000_700_000), confidence: confidence, reason: "test",
            indicators: ["rsi_14": 55.5])
    }

    @Test func intentValidation() throws {
        _ = try intent(side: .buy, stopLoss: "95", takeProfits: ["105", "110"])
        _ = try intent(side: .sell, stopLoss: "105", takeProfits: ["95", "90"])
        _ = try intent(side: .sell, kind: .exit, stopLoss: nil, takeProfits: [])
        expectInvalid("stopLoss") { _ = try intent(side: .buy, stopLoss: nil, takeProfits: []) }
        expectInvalid("stopLoss") { _ = try intent(side: .buy, stopLoss: "100", takeProfits: []) }
        expectInvalid("stopLoss") { _ = try intent(side: .sell, stopLoss: "95", takeProfits: []) }
        expectInvalid("takeProfits") { _ = try intent(side: .buy, stopLoss: "95", takeProfits: ["105", "99"]) }
        expectInvalid("takeProfits") { _ = try intent(side: .sell, stopLoss: "105", takeProfits: ["101"]) }
        // Limit entries are checked against the limit price, not the reference price.
        _ = try intent(side: .buy, entry: .limit(price("98")), stopLoss: "97", takeProfits: ["99"])
        expectInvalid("stopLoss") { _ = try intent(side: .buy, entry: .limit(price("98")), stopLoss: "98.5", takeProfits: []) }
        expectInvalid("takeProfits") {
            _ = try intent(side: .buy, stopLoss: "95", takeProfits: ["105", "110"], fractions: ["0.6", "0.5"])
        }
        expectInvalid("breakEvenAfterTarget") { _ = try intent(side: .buy, stopLoss: "95", takeProfits: ["105"], breakEvenAfterTarget: 2) }
        expectInvalid("confidence") { _ = try intent(side: .buy, stopLoss: "95", takeProfits: [], confidence: 1.5) }
        expectInvalid("fraction") { _ = try TakeProfitTarget(price: price("105"), fraction: FixedPoint(parsing: "1.01")) }
        expectInvalid("offset") { _ = try TrailingRule(offset: .distance(price("0")), afterTarget: 1) }
    }

    @Test func intentIDIsDerivedFromItsCause() throws {
        let id = Intent.deriveID(
            strategy: "macd_rsi", symbol: try symbol(), timeframe: .m5,
            candleTime: Timestamp(milliseconds: 1_700_000_000_000), kind: .entry, side: .buy)
        #expect(id == StableID.derive(
            namespace: "intent", parts: ["macd_rsi", "BTCUSDT", "5m", "1700000000000", "entry", "buy"]))
        let otherCandle = Intent.deriveID(
            strategy: "macd_rsi", symbol: try symbol(), timeframe: .m5,
            candleTime: Timestamp(milliseconds: 1_700_000_300_000), kind: .entry, side: .buy)
        #expect(id != otherCandle)
        // The candle time is written as its decimal digits, as `String` spells them.
        for milliseconds: Int64 in [0, 7, -1, -86_400_000, .max, .min] {
            #expect(Intent.deriveID(
                strategy: "macd_rsi", symbol: try symbol(), timeframe: .h4, candleTime: Timestamp(milliseconds: milliseconds),
                kind: .exit, side: .sell)
                == StableID.derive(namespace: "intent", parts: ["macd_rsi", "BTCUSDT", "4h", String(milliseconds), "exit", "sell"]))
        }
    }

    @Test func intentCodableRoundTrip() throws {
        let original = try intent(side: .buy, stopLoss: "95", takeProfits: ["105", "110.5"])
        let decoded = try JSONDecoder().decode(Intent.self, from: JSONEncoder().encode(original))
        #expect(decoded == original)
    }

    func order(
        type: OrderType = .limit, quantity q: String = "1", limitPrice: String? = "100",
        filled: String = "0", averagePrice: String? = nil
    ) throws -> Order {
        try Order(
            clientOrderID: "keel-abc", symbol: symbol(), side: .buy, type: type, quantity: quantity(q),
            limitPrice: limitPrice.map(price), filledQuantity: quantity(filled), averagePrice: averagePrice.map(price))
    }

    @Test func orderValidation() throws {
        let o = try order()
        #expect(o.status == .new && o.exchangeOrderID == nil && !o.reduceOnly)
        _ = try order(type: .market, limitPrice: nil)
        expectInvalid("limitPrice") { _ = try order(type: .limit, limitPrice: nil) }
        expectInvalid("limitPrice") { _ = try order(type: .limit, limitPrice: "0") }
        expectInvalid("limitPrice") { _ = try order(type: .market, limitPrice: "100") }
        expectInvalid("quantity") { _ = try order(quantity: "0") }
        expectInvalid("filledQuantity") { _ = try order(filled: "1.001") }
        expectInvalid("filledQuantity") { _ = try order(filled: "-1") }
        expectInvalid("averagePrice") { _ = try order(filled: "0.5", averagePrice: "0") }
        expectInvalid("clientOrderID") {
            _ = try Order(clientOrderID: "", symbol: symbol(), side: .buy, type: .market, quantity: quantity("1"))
        }
    }

    @Test func orderUpdates() throws {
        let placed = try order(quantity: "1.000")
        let partial = try placed.updated(
            status: .partiallyFilled, filledQuantity: quantity("0.4"), averagePrice: price("99.5"), exchangeOrderID: "ex-1")
        #expect(partial.remainingQuantity.description == "0.600")
        #expect(partial.exchangeOrderID == "ex-1")
        #expect(!partial.status.isTerminal)
        let filled = try partial.updated(status: .filled, filledQuantity: quantity("1"), averagePrice: price("99.7"))
        #expect(filled.exchangeOrderID == "ex-1")
        #expect(filled.remainingQuantity.isZero)
        #expect(filled.status.isTerminal)
        #expect(throws: RecordValidationError.self) {
            try partial.updated(status: .filled, filledQuantity: quantity("2"), averagePrice: price("99.7"))
        }
        #expect(OrderStatus(rawValue: "PartiallyFilled") == .partiallyFilled)
        #expect(OrderStatus.allCases.filter(\.isTerminal) == [.filled, .cancelled, .rejected, .deactivated])
        let decoded = try JSONDecoder().decode(Order.self, from: JSONEncoder().encode(partial))
        #expect(decoded == partial)
    }

    @Test func fillValidation() throws {
        let fill = try Fill(
            id: "e1", orderID: "o1", symbol: symbol(), side: .sell, price: price("100"), quantity: quantity("0.5"),
            fee: Money(parsing: "-0.01"), feeCurrency: "USDT", isMaker: true, time: .epoch)
        #expect(fill.fee.isNegative)
        #expect(try JSONDecoder().decode(Fill.self, from: JSONEncoder().encode(fill)) == fill)
        expectInvalid("quantity") {
            _ = try Fill(
                id: "e1", orderID: "o1", symbol: symbol(), side: .sell, price: price("100"), quantity: quantity("0"),
                fee: .zero, feeCurrency: "USDT", isMaker: false, time: .epoch)
        }
        expectInvalid("orderID") {
            _ = try Fill(
                id: "e1", orderID: "", symbol: symbol(), side: .sell, price: price("100"), quantity: quantity("1"),
                fee: .zero, feeCurrency: "USDT", isMaker: false, time: .epoch)
        }
    }

    @Test func positionValidation() throws {
        let long = try Position(
            symbol: symbol(), side: .buy, size: quantity("0.5"), averageEntryPrice: price("100"),
            realisedPnL: Money(parsing: "-3.2"), leverage: fp("5"))
        #expect(!long.isFlat)
        let flat = try Position.flat(symbol: symbol(), leverage: fp("3"))
        #expect(flat.isFlat && flat.size.isZero)
        #expect(try JSONDecoder().decode(Position.self, from: JSONEncoder().encode(long)) == long)
        #expect(try JSONDecoder().decode(Position.self, from: JSONEncoder().encode(flat)) == flat)
        expectInvalid("side") {
            _ = try Position(symbol: symbol(), side: nil, size: quantity("1"), averageEntryPrice: price("1"), realisedPnL: .zero, leverage: fp("1"))
        }
        expectInvalid("side") {
            _ = try Position(symbol: symbol(), side: .sell, size: .zero, averageEntryPrice: .zero, realisedPnL: .zero, leverage: fp("1"))
        }
        expectInvalid("size") {
            _ = try Position(symbol: symbol(), side: .sell, size: quantity("-1"), averageEntryPrice: price("1"), realisedPnL: .zero, leverage: fp("1"))
        }
        expectInvalid("averageEntryPrice") {
            _ = try Position(symbol: symbol(), side: .buy, size: quantity("1"), averageEntryPrice: .zero, realisedPnL: .zero, leverage: fp("1"))
        }
        expectInvalid("leverage") {
            _ = try Position(symbol: symbol(), side: .buy, size: quantity("1"), averageEntryPrice: price("1"), realisedPnL: .zero, leverage: .zero)
        }
    }
}
