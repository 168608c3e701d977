import Schemas
import SwiftProtobuf
import Testing

/// Serialises `message` to binary, decodes it back and checks it is unchanged; also checks the
/// fixture sets every field the `.proto` declares.
@discardableResult
func roundTrip<M: SwiftProtobuf.Message & Equatable>(
    _ message: M, unset: Set<String> = [], sourceLocation: SourceLocation = #_sourceLocation
) throws -> M {
    try ProtoSchema.shared.expectComplete(message, unset: unset, sourceLocation: sourceLocation)
    var deterministic = BinaryEncodingOptions()
    deterministic.useDeterministicOrdering = true  // map entries in key order
    let bytes: [UInt8] = try message.serializedBytes(options: deterministic)
    #expect(!bytes.isEmpty, sourceLocation: sourceLocation)
    let decoded = try M(serializedBytes: bytes)
    #expect(decoded == message, sourceLocation: sourceLocation)
    #expect(decoded.unknownFields.data.isEmpty, sourceLocation: sourceLocation)
    let again: [UInt8] = try decoded.serializedBytes(options: deterministic)
    #expect(again == bytes, sourceLocation: sourceLocation)
    return decoded
}

@Suite("Binary round trips with every field set")
struct RoundTripTests {
    @Test func trade() throws {
        let decoded = try roundTrip(Fixtures.trade)
        #expect(decoded.price == Fixtures.dec(6_543_210, 2))
        #expect(decoded.takerSide == .sell)
    }

    @Test func candle() throws {
        let decoded = try roundTrip(Fixtures.candle)
        #expect(decoded.timeframe == .h4)
        #expect(decoded.closed && decoded.backfilled)
        #expect(decoded.turnover == Fixtures.dec(31_012_345_678, 2))
    }

    @Test func bookSnapshot() throws {
        let decoded = try roundTrip(Fixtures.book)
        #expect(decoded.bids.count == 2 && decoded.asks.count == 2)
        #expect(decoded.imbalance == Fixtures.dec(-1_234, 4))
    }

    @Test func ticker() throws {
        let decoded = try roundTrip(Fixtures.ticker)
        #expect(decoded.fundingRate == Fixtures.dec(-125, 6))
        #expect(decoded.nextFundingTimeMs == 1_732_262_400_000)
    }

    @Test func intent() throws {
        // Intents are never sized: take-profit quantities are left to risk.
        let decoded = try roundTrip(Fixtures.intent, unset: ["keel.v1.Intent.take_profits.qty"])
        #expect(decoded.kind == .entry)
        #expect(decoded.takeProfits.allSatisfy { !$0.hasQty })
        #expect(decoded.attributes["rsi"] == "56.2")
        #expect(decoded.entryType == .limit && decoded.breakEvenAfterTarget == 1)
        #expect(decoded.indicators == ["rsi": 56.2, "macd_histogram": 12.5])
    }

    @Test func approvedOrder() throws {
        let decoded = try roundTrip(Fixtures.approvedOrder)
        #expect(decoded.takeProfits.map(\.qty) == [Fixtures.dec(125, 3), Fixtures.dec(75, 3)])
        #expect(decoded.trailing.offset == .fraction(Fixtures.dec(15, 3)))
    }

    @Test func rejection() throws {
        let decoded = try roundTrip(Fixtures.rejection)
        #expect(decoded.reasons == [.dailyLossBreaker, .positionExists])
    }

    @Test func orderUpdate() throws {
        let decoded = try roundTrip(Fixtures.orderUpdate)
        #expect(decoded.status == .partiallyFilled)
    }

    @Test func fill() throws {
        let decoded = try roundTrip(Fixtures.fill)
        #expect(decoded.fee == Fixtures.dec(-1_024, 5))
        #expect(decoded.isMaker)
    }

    @Test func positionSnapshot() throws {
        let decoded = try roundTrip(Fixtures.position)
        #expect(decoded.side == .short)
    }

    @Test func equitySnapshot() throws {
        let decoded = try roundTrip(Fixtures.equity)
        #expect(decoded.currency == "USDT")
    }

    @Test func alert() throws {
        let decoded = try roundTrip(Fixtures.alert)
        #expect(decoded.hasSymbol && decoded.symbol == "BTCUSDT")
        var withoutSymbol = Fixtures.alert
        withoutSymbol.clearSymbol()
        let bytes: [UInt8] = try withoutSymbol.serializedBytes()
        #expect(!(try Keel_V1_Alert(serializedBytes: bytes)).hasSymbol)
    }

    @Test(arguments: Fixtures.commands)
    func operatorCommand(_ command: Keel_V1_OperatorCommand) throws {
        let decoded = try roundTrip(command)
        #expect(decoded.command != nil)
        #expect(decoded.command == command.command)
    }

    @Test func everyCommandCaseIsCovered() {
        let cases = Set(Fixtures.commands.compactMap { command -> String? in
            switch command.command {
            case .pause: "pause"
            case .resume: "resume"
            case .resetBreaker: "reset_breaker"
            case .flattenAll: "flatten_all"
            case .closeSymbol: "close_symbol"
            case nil: nil
            }
        })
        let declared = Set(ProtoSchema.shared.messages["keel.v1.OperatorCommand"]!.filter { $0.oneof == "command" }.map(\.name))
        #expect(cases == declared)
    }

    @Test func sharedParts() throws {
        try roundTrip(Fixtures.takeProfit)
        try roundTrip(Fixtures.trailingByDistance)
        try roundTrip(Fixtures.trailingByFraction)
        try roundTrip(Fixtures.level(654_320, 1_500))
    }

    @Test func unknownEnumValuesSurvive() throws {
        // A newer producer may send a reason code this build does not know.
        var rejection = Fixtures.rejection
        rejection.reasons = [.paused, .UNRECOGNIZED(999)]
        let bytes: [UInt8] = try rejection.serializedBytes()
        let decoded = try Keel_V1_Rejection(serializedBytes: bytes)
        #expect(decoded.reasons == [.paused, .UNRECOGNIZED(999)])
    }

    @Test func unknownFieldsArePreserved() throws {
        // A consumer built from an older schema passes a newer producer's fields through.
        var trade = Fixtures.trade
        let newer: [UInt8] = try trade.serializedBytes() + [0xC8, 0x3E, 0x07]  // field 1001 = 7
        trade = try Keel_V1_Trade(serializedBytes: newer)
        #expect(trade == { var t = Fixtures.trade; t.unknownFields = trade.unknownFields; return t }())
        #expect(!trade.unknownFields.data.isEmpty)
        let reencoded: [UInt8] = try trade.serializedBytes()
        #expect(reencoded == newer)
    }
}

@Suite("Decoding garbage throws")
struct GarbageTests {
    static let garbage: [(String, [UInt8])] = [
        ("invalid wire type", [0x0F]),
        ("field number zero", [0x00, 0x01]),
        ("truncated length-delimited field", [0x0A, 0x05, 0x01]),
        ("varint longer than 10 bytes", Array(repeating: 0xFF, count: 11) + [0x01]),
        ("invalid UTF-8 in field 1", [0x0A, 0x02, 0xFF, 0xFE]),
        ("JSON on a binary topic", Array(#"{"symbol":"BTCUSDT","price":"1.5"}"#.utf8)),
    ]

    @Test(arguments: Topic.allCases)
    func everyTopicMessageRejectsGarbage(_ topic: Topic) {
        for (what, bytes) in Self.garbage {
            #expect(throws: (any Error).self, "\(topic.messageType.protoMessageName): \(what)") {
                _ = try topic.messageType.init(serializedBytes: bytes)
            }
        }
    }

}

@Suite("Decimal")
struct DecimalTests {
    static let values: [(Int64, UInt32)] = [
        (0, 0), (1, 0), (-1, 4), (650_005, 1), (-650_005, 1),
        (Int64.max, 0), (Int64.min, 0), (Int64.max, 18), (Int64.min, 18),
        (Int64.max, UInt32(UInt8.max)), (Int64.min, UInt32.max), (-123_456_789_012_345_678, 9),
    ]

    @Test func roundTripPreservesUnitsAndScale() throws {
        for (units, scale) in Self.values {
            let decimal = Fixtures.dec(units, scale)
            let bytes: [UInt8] = try decimal.serializedBytes()
            let decoded = try Keel_V1_Decimal(serializedBytes: bytes)
            #expect(decoded.units == units && decoded.scale == scale, "\(units) / 10^\(scale)")
            #expect(decoded == decimal)
        }
    }

    @Test func nestedRoundTripPreservesExtremes() throws {
        var fill = Fixtures.fill
        fill.realisedPnl = Fixtures.dec(Int64.min, 8)
        fill.fee = Fixtures.dec(Int64.max, 8)
        let bytes: [UInt8] = try fill.serializedBytes()
        let decoded = try Keel_V1_Fill(serializedBytes: bytes)
        #expect(decoded.realisedPnl.units == Int64.min && decoded.realisedPnl.scale == 8)
        #expect(decoded.fee.units == Int64.max && decoded.fee.scale == 8)
    }

    @Test func unitsAreZigZagEncoded() throws {
        // sint64: small negative amounts stay small on the wire (-1 -> 1, not 10 bytes).
        let bytes: [UInt8] = try Fixtures.dec(-1, 4).serializedBytes()
        #expect(bytes == [0x08, 0x01, 0x10, 0x04])
        let minBytes: [UInt8] = try Fixtures.dec(Int64.min, 0).serializedBytes()
        #expect(minBytes == [0x08] + Array(repeating: 0xFF, count: 9) + [0x01])
    }
}
