import Core
@testable import Exchange
import Testing

/// Bybit stream frames that are not what Keel expects: each is a typed error with an excerpt.
@Suite("Bybit stream decoding")
struct BybitWebSocketDecodingTests {
    func push(_ text: String) throws -> BybitPush {
        guard case .push(let push) = try BybitStreamDecoder.frame(text) else {
            Issue.record("not a push: \(text)")
            throw BybitDecodingError(.missingField, field: "topic")
        }
        return push
    }

    func decodingError(_ body: () throws -> Void) -> BybitDecodingError? {
        do {
            try body()
            return nil
        } catch let error as BybitDecodingError {
            return error
        } catch {
            Issue.record("not a BybitDecodingError: \(error)")
            return nil
        }
    }

    @Test func repliesPongsAndPushesAreTold() throws {
        let ack = try BybitStreamDecoder.frame(#"{"success":true,"ret_msg":"","conn_id":"c1","req_id":"r","op":"subscribe"}"#)
        #expect(ack == .reply(BybitOpReply(op: "subscribe", success: true, message: "", requestID: "r", connectionID: "c1")))
        #expect(try BybitStreamDecoder.frame(#"{"req_id":"","op":"pong","args":["1675418560633"],"conn_id":"c"}"#) == .pong)
        let trade = try push(#"{"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1700000000000,"data":[]}"#)
        #expect(trade.topic == "publicTrade.BTCUSDT" && trade.time == Timestamp(milliseconds: 1_700_000_000_000))
    }

    @Test func malformedAndTruncatedFramesAreTypedErrorsWithAnExcerpt() {
        let truncated = #"{"topic":"orderbook.50.BTCUSDT","type":"delta","data":{"s":"BTCUSDT","b":[["1","#
        let error = decodingError { _ = try BybitStreamDecoder.frame(truncated) }
        guard case .malformedJSON? = error?.reason else { Issue.record("expected malformed JSON, got \(String(describing: error))"); return }
        #expect(error?.excerpt.hasPrefix(#"{"topic":"orderbook.50"#) == true)
        #expect(decodingError { _ = try BybitStreamDecoder.frame(#"{"ret_msg":"x"}"#) }?.reason == .missingField)
    }

    @Test func aNumberWhereADecimalStringBelongsIsRefused() throws {
        let frame = try push(#"{"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1,"data":[{"T":1700000000000,"s":"BTCUSDT","S":"Buy","v":0.001,"p":"60000.10","i":"t1"}]}"#)
        let error = decodingError { _ = try BybitStreamDecoder.data([BybitStreamTrade].self, of: frame) }
        #expect(error?.reason == .nonStringNumber)
        #expect(error?.field == "data[0].v")
        #expect(error?.excerpt.contains("publicTrade") == true)
    }

    @Test func unknownEnumValuesAndMissingFieldsAreNamed() throws {
        let side = try push(#"{"topic":"publicTrade.BTCUSDT","ts":1,"data":[{"T":1,"s":"BTCUSDT","S":"Sideways","v":"1","p":"1","i":"t"}]}"#)
        #expect(decodingError { _ = try BybitStreamDecoder.data([BybitStreamTrade].self, of: side) }?.reason == .unknownEnumValue("Sideways"))

        let status = try push(#"{"id":"1","topic":"order","creationTime":1,"data":[{"orderId":"o","orderLinkId":"k","symbol":"BTCUSDT","side":"Buy","orderType":"Limit","qty":"1","price":"1","orderStatus":"Exploded","cumExecQty":"0","avgPrice":""}]}"#)
        #expect(decodingError { _ = try BybitPrivateStream.decode(status) }?.reason == .unknownEnumValue("Exploded"))

        let missing = try push(#"{"id":"1","topic":"execution","creationTime":1,"data":[{"execId":"e","orderId":"o","symbol":"BTCUSDT","side":"Buy","execQty":"1","execFee":"0","isMaker":false,"execTime":"1"}]}"#)
        let error = decodingError { _ = try BybitPrivateStream.decode(missing) }
        #expect(error?.reason == .missingField && error?.field == "data[0].execPrice")

        let noData = try push(#"{"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1}"#)
        #expect(decodingError { _ = try BybitBookUpdate.decode(noData) }?.reason == .missingField)
        let badType = try push(#"{"topic":"orderbook.50.BTCUSDT","type":"partial","ts":1,"data":{"s":"BTCUSDT","b":[],"a":[],"u":1,"seq":1}}"#)
        #expect(decodingError { _ = try BybitBookUpdate.decode(badType) }?.reason == .unknownEnumValue("partial"))
    }

    @Test func fundingSettlementsArePaymentsNotFills() throws {
        let frame = try push(#"{"id":"1","topic":"execution","creationTime":1,"data":[{"execId":"f-1","orderId":"","symbol":"BTCUSDT","side":"Buy","execPrice":"60000","execQty":"0.01","execFee":"0.06","execType":"Funding","isMaker":false,"execTime":"1767225600000"}]}"#)
        guard case .funding(let payments)? = try BybitPrivateStream.decode(frame) else { Issue.record("expected funding"); return }
        #expect(payments == [try FundingPayment(id: "f-1", symbol: try Symbol("BTCUSDT"), paid: try Money(parsing: "0.06"), time: Timestamp(milliseconds: 1_767_225_600_000))])
    }

    @Test func aFillOfThePositionsOwnStopSaysWhichStop() throws {
        func execution(_ id: String, stopOrderType: String?) -> String {
            let stop = stopOrderType.map { #","stopOrderType":""# + $0 + #"""# } ?? ""
            return #"{"execId":""# + id + #"","orderId":"o","symbol":"BTCUSDT","side":"Sell","execPrice":"60000","execQty":"0.01","execFee":"0.33","execType":"Trade","isMaker":false,"execTime":"1""# + stop + "}"
        }
        let items = [
            execution("sl", stopOrderType: "StopLoss"), execution("psl", stopOrderType: "PartialStopLoss"),
            execution("tp", stopOrderType: "TakeProfit"), execution("ts", stopOrderType: "TrailingStop"),
            execution("own", stopOrderType: ""), execution("conditional", stopOrderType: "Stop"), execution("old", stopOrderType: nil),
        ]
        let frame = try push(#"{"id":"1","topic":"execution","creationTime":1,"data":["# + items.joined(separator: ",") + "]}")
        guard case .executions(let fills)? = try BybitPrivateStream.decode(frame) else { Issue.record("expected fills"); return }
        #expect(fills.map(\.venueStop) == [.stopLoss, .stopLoss, .takeProfit, .trailingStop, nil, nil, nil])
    }

    @Test func ordersTheVenueMadeItselfAreLeftOut() throws {
        // A position's stop-loss order has no orderLinkId: not a client's order.
        let stopOrder = limitOrderItem.replacingOccurrences(of: #""orderLinkId":"keel-1""#, with: #""orderLinkId":"""#)
        let frame = try push(#"{"id":"1","topic":"order","creationTime":1,"data":["# + stopOrder + "," + limitOrderItem + "]}")
        guard case .orders(let orders)? = try BybitPrivateStream.decode(frame) else { Issue.record("expected orders"); return }
        #expect(orders.map(\.order.clientOrderID) == ["keel-1"])
    }

    @Test func invalidRecordsAreInvalidValues() throws {
        // A candle whose high is below its low.
        let kline = try push(#"{"topic":"kline.1.BTCUSDT","type":"snapshot","ts":1,"data":[{"start":1699999980000,"end":1700000039999,"interval":"1","open":"10","close":"10","high":"9","low":"11","volume":"1","turnover":"10","confirm":false,"timestamp":1}]}"#)
        let item = try #require(try BybitStreamDecoder.data([BybitStreamKline].self, of: kline).first)
        let error = decodingError { _ = try item.candle(symbol: Symbol("BTCUSDT")) }
        guard case .invalidValue? = error?.reason else { Issue.record("expected an invalid value, got \(String(describing: error))"); return }
    }

    @Test func subscriptionsAreBatchedUnderTheArgsLimit() {
        let topics = (0..<3000).map { "orderbook.50.SYMBOL\($0)USDT" }
        let batches = topicBatches(topics, maxCharacters: 21_000)
        #expect(batches.count > 1)
        #expect(batches.allSatisfy { $0.reduce(0) { $0 + $1.count } <= 21_000 })
        #expect(batches.flatMap { $0 } == topics)
        #expect(bybitSubscriptionFrame(op: "subscribe", topics: ["a", "b"]) == #"{"op":"subscribe","args":["a","b"]}"#)
    }
}
