import Core
import Schemas
import Testing

@Suite("Core records to and from messages")
struct ConversionTests {
    let btc = try! Symbol("BTCUSDT")
    let time = Timestamp(milliseconds: 1_767_225_600_000)

    func fp(_ text: String) -> FixedPoint { try! FixedPoint(parsing: text) }

    func entry() throws -> Intent {
        try Intent(
            id: Intent.deriveID(strategy: "macd_rsi", symbol: btc, timeframe: .m15, candleTime: time, kind: .entry, side: .buy),
            strategy: "macd_rsi", symbol: btc, side: .buy, kind: .entry, referencePrice: Price(fp("60000.10")),
            entry: .limit(Price(fp("59900"))), stopLoss: Price(fp("59000")),
            takeProfits: [
                try TakeProfitTarget(price: Price(fp("62000")), fraction: fp("0.5")),
                try TakeProfitTarget(price: Price(fp("63000.5")), fraction: fp("0.25")),
            ],
            trailing: try TrailingRule(offset: .distance(Price(fp("150.5"))), afterTarget: 1), breakEvenAfterTarget: 1,
            timeframe: .m15, candleTime: time, createdAt: time.adding(milliseconds: 900_001),
            expiresAt: time.adding(milliseconds: 1_800_000), confidence: 0.625, reason: "MACD cross up on 15m, RSI 56.2",
            indicators: ["rsi_14": 56.2, "atr_14": 310.25])
    }

    @Test func intentsRoundTripExactly() throws {
        let intent = try entry()
        let message = Keel_V1_Intent(intent)
        #expect(message.referencePrice.units == 6_000_010 && message.referencePrice.scale == 2)
        let decoded = try Keel_V1_Intent(serializedBytes: try message.serializedBytes() as [UInt8]).intent()
        #expect(decoded == intent)
    }

    @Test func candlesRoundTripExactly() throws {
        let candle = try Candle(
            symbol: btc, timeframe: .h1, openTime: time, open: Price(fp("60000")), high: Price(fp("60500.5")),
            low: Price(fp("59900")), close: Price(fp("60100")), volume: Quantity(fp("12.00000001")),
            turnover: Money(fp("721234.5")), isClosed: true)
        let message = Keel_V1_Candle(candle, venue: .simulator, receivedAt: time)
        #expect(try message.candle() == candle)
        var noTurnover = message
        noTurnover.clearTurnover()
        #expect(try noTurnover.candle().turnover == nil)
    }

    @Test func badMessagesNameTheField() throws {
        func failure(_ mutate: (inout Keel_V1_Intent) -> Void) throws -> SchemaConversionError? {
            var message = Keel_V1_Intent(try entry())
            mutate(&message)
            do {
                _ = try message.intent()
                return nil
            } catch {
                return error
            }
        }
        #expect(try failure { $0.side = .unspecified }?.field == "side")
        #expect(try failure { $0.kind = .UNRECOGNIZED(9) }?.field == "kind")
        #expect(try failure { $0.timeframe = .unspecified }?.field == "timeframe")
        #expect(try failure { $0.symbol = "btc usdt" }?.field == "symbol")
        #expect(try failure { $0.clearReferencePrice() }?.field == "reference_price")
        #expect(try failure { $0.referencePrice.scale = 40 }?.field == "reference_price")
        #expect(try failure { $0.clearStopLoss() }?.field == "stopLoss")
        #expect(try failure { $0.intentID = "" }?.field == "id")
        #expect(try failure { $0.takeProfits[1].price.scale = 19 }?.field == "take_profits[1].price")
        #expect(try failure { $0.takeProfits[0].clearFraction() }?.field == "take_profits[0].fraction")
        #expect(try failure { $0.takeProfits[0].fraction = Keel_V1_Decimal(fp("0.9")) }?.field == "takeProfits")
        #expect(try failure { $0.clearEntryPrice() }?.field == "entry_price")
        #expect(try failure { $0.entryType = .UNRECOGNIZED(7) }?.field == "entry_type")
        #expect(try failure { $0.trailing.offset = nil }?.field == "trailing.offset")
        #expect(try failure { $0.trailing.activationPrice = Keel_V1_Decimal(fp("1")) }?.field == "trailing.activation_price")
        #expect(try failure { $0.score = 2 }?.field == "confidence")

        var candle = Keel_V1_Candle(
            try Candle(symbol: btc, timeframe: .h1, openTime: time, open: Price(fp("2")), high: Price(fp("3")),
                       low: Price(fp("1")), close: Price(fp("2")), volume: .zero, isClosed: true),
            venue: .bybit, receivedAt: time)
        candle.openTimeMs += 1
        #expect(throws: SchemaConversionError.self) { try candle.candle() }
        candle.clearHigh()
        do {
            _ = try candle.candle()
            Issue.record("a candle without high converted")
        } catch {
            #expect(error.field == "high")
        }
    }
}

@Suite("Account snapshots to and from messages")
struct AccountConversionTests {
    @Test func positionsRoundTripAndFlatIsFlat() throws {
        let btc = try Symbol("BTCUSDT")
        let short = try Position(symbol: btc, side: .sell, size: Quantity(parsing: "0.25"), averageEntryPrice: Price(parsing: "61000.5"),
                                 realisedPnL: Money(parsing: "-3.2"), leverage: FixedPoint(integer: 10))
        let message = Keel_V1_PositionSnapshot(short, venue: .simulator, sequence: 7, at: Timestamp(milliseconds: 1))
        #expect(message.side == .short && message.sequence == 7)
        #expect(try message.position() == short)
        let flat = Keel_V1_PositionSnapshot(try Position.flat(symbol: btc, leverage: FixedPoint(integer: 10)), venue: .simulator, sequence: 8, at: Timestamp(milliseconds: 2))
        #expect(try flat.position().isFlat)
        var broken = message
        broken.side = .flat
        #expect(throws: SchemaConversionError.self) { try broken.position() }
        var noEquity = Keel_V1_EquitySnapshot()
        #expect(throws: SchemaConversionError.self) { try noEquity.equityValue() }
        noEquity.equity = Keel_V1_Decimal(try Money(parsing: "100.5"))
        #expect(try noEquity.equityValue() == (try Money(parsing: "100.5")))
    }
}
