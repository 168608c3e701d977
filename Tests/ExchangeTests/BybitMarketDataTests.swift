import Core
import Exchange
import Foundation
import Testing

func bybitReply(_ result: String) -> Data {
    Data(#"{"retCode":0,"retMsg":"OK","result":\#(result),"retExtInfo":{},"time":1688639403423}"#.utf8)
}

func fp(_ text: String) -> FixedPoint { try! FixedPoint(parsing: text) }

/// Whether `error` is a `BybitDecodingError` at `field` whose reason satisfies `reason`.
func isDecodingError(_ error: any Error, field: String, _ reason: (BybitDecodingError.Reason) -> Bool) -> Bool {
    guard let error = error as? BybitDecodingError else { return false }
    return error.field == field && reason(error.reason) && !error.excerpt.isEmpty && error.excerpt.count <= 200
}

let btcInstrument = #"""
    {"symbol":"BTCUSDT","contractType":"LinearPerpetual","status":"Trading","baseCoin":"BTC","quoteCoin":"USDT",
     "launchTime":"1585526400000","deliveryTime":"0","deliveryFeeRate":"","priceScale":"2",
     "leverageFilter":{"minLeverage":"1","maxLeverage":"100.00","leverageStep":"0.01"},
     "priceFilter":{"minPrice":"0.10","maxPrice":"1999999.80","tickSize":"0.10"},
     "lotSizeFilter":{"maxOrderQty":"1190.000","minOrderQty":"0.001","qtyStep":"0.001",
       "postOnlyMaxOrderQty":"1190.000","maxMktOrderQty":"119.000","minNotionalValue":"5"},
     "unifiedMarginTrade":true,"fundingInterval":480,"settleCoin":"USDT","copyTrading":"both",
     "upperFundingRate":"0.00375","lowerFundingRate":"-0.00375","isPreListing":false,"preListingInfo":null}
    """#

@Suite("Bybit market data")
struct BybitMarketDataTests {
    @Test("server time: strings to Timestamp")
    func serverTime() throws {
        let time = try BybitMarketDecoder.serverTime(
            from: bybitReply(#"{"timeSecond":"1688639403","timeNano":"1688639403423213947"}"#))
        #expect(time.timeSecond == 1_688_639_403)
        #expect(time.timestamp == Timestamp(milliseconds: 1_688_639_403_423))
    }

    @Test("server time: malformed")
    func serverTimeMalformed() {
        #expect {
            _ = try BybitMarketDecoder.serverTime(from: bybitReply(#"{"timeSecond":"1688639403","timeNano":"soon"}"#))
        } throws: { isDecodingError($0, field: "result.timeNano") { $0 == .invalidNumber("soon") } }
        #expect {
            _ = try BybitMarketDecoder.serverTime(from: bybitReply(#"{"timeSecond":"1688639403"}"#))
        } throws: { isDecodingError($0, field: "result.timeNano") { $0 == .missingField } }
        #expect {
            _ = try BybitMarketDecoder.serverTime(from: Data(#"{"retCode":0,"retMsg":"OK","result":{"timeSecond":"16"#.utf8))
        } throws: { error in
            guard let error = error as? BybitDecodingError, case .malformedJSON = error.reason else { return false }
            return error.excerpt == #"{"retCode":0,"retMsg":"OK","result":{"timeSecond":"16"#
        }
    }

    @Test("instruments-info: linear item to InstrumentRules, cursor kept")
    func instruments() throws {
        let page = try BybitMarketDecoder.instrumentsPage(from: bybitReply(
            #"{"category":"linear","list":[\#(btcInstrument)],"nextPageCursor":"first%3DBTCUSDT%26last%3DBTCUSDT"}"#))
        #expect(page.category == "linear")
        #expect(page.nextPageCursor == "first%3DBTCUSDT%26last%3DBTCUSDT")
        let rules = try #require(page.instruments.first)
        #expect(rules.symbol == (try Symbol("BTCUSDT")))
        #expect(rules.status == .trading)
        #expect(rules.tickSize == Price(fp("0.1")))
        #expect(rules.tickSize.description == "0.10")
        #expect(rules.minPrice == Price(fp("0.10")))
        #expect(rules.maxPrice == Price(fp("1999999.80")))
        #expect(rules.qtyStep == Quantity(fp("0.001")))
        #expect(rules.minOrderQty == Quantity(fp("0.001")))
        #expect(rules.maxOrderQty == Quantity(fp("1190")))
        #expect(rules.maxMarketOrderQty == Quantity(fp("119")))
        #expect(rules.minNotional == Money(fp("5")))
        #expect(rules.minLeverage == fp("1"))
        #expect(rules.maxLeverage == fp("100"))
        #expect(rules.leverageStep == fp("0.01"))
    }

    @Test("instruments-info: an empty cursor means the last page")
    func lastPage() throws {
        let page = try BybitMarketDecoder.instrumentsPage(
            from: bybitReply(#"{"category":"linear","list":[],"nextPageCursor":""}"#))
        #expect(page.instruments.isEmpty)
        #expect(page.nextPageCursor == nil)
    }

    @Test("instruments-info: bad items are typed errors naming the field")
    func instrumentsMalformed() {
        func page(_ item: String) -> Data { bybitReply(#"{"category":"linear","list":[\#(item)],"nextPageCursor":""}"#) }
        #expect {
            _ = try BybitMarketDecoder.instrumentsPage(from: page(btcInstrument.replacingOccurrences(
                of: #""tickSize":"0.10""#, with: #""tickSize":0.1"#)))
        } throws: { isDecodingError($0, field: "result.list[0].priceFilter.tickSize") { $0 == .nonStringNumber } }
        #expect {
            _ = try BybitMarketDecoder.instrumentsPage(from: page(btcInstrument.replacingOccurrences(
                of: #""status":"Trading""#, with: #""status":"Suspended""#)))
        } throws: { isDecodingError($0, field: "result.list[0].status") { $0 == .unknownEnumValue("Suspended") } }
        #expect {
            _ = try BybitMarketDecoder.instrumentsPage(from: page(btcInstrument.replacingOccurrences(
                of: #""minNotionalValue":"5""#, with: #""other":"5""#)))
        } throws: { isDecodingError($0, field: "result.list[0].lotSizeFilter.minNotionalValue") { $0 == .missingField } }
        #expect {
            _ = try BybitMarketDecoder.instrumentsPage(from: page(btcInstrument.replacingOccurrences(
                of: #""qtyStep":"0.001""#, with: #""qtyStep":"0""#)))
        } throws: { isDecodingError($0, field: "result.list[0]") { if case .invalidValue = $0 { true } else { false } } }
        #expect {
            _ = try BybitMarketDecoder.instrumentsPage(from: page(btcInstrument.replacingOccurrences(
                of: #""symbol":"BTCUSDT""#, with: #""symbol":"btc-usdt""#)))
        } throws: { isDecodingError($0, field: "result.list[0].symbol") { if case .invalidValue = $0 { true } else { false } } }
    }

    let klines = #"""
        {"symbol":"BTCUSDT","category":"linear","list":[
          ["1670608800000","17071","17073","17027","17055.5","268611","15.74462667"],
          ["1670605200000","17071.5","17071.5","17061","17071","4177","0.24469757"],
          ["1670601600000","17086.5","17088","16978","17071.5","6356","0.37288112"]]}
        """#

    @Test("kline: newest-first rows become oldest-first candles, last one open")
    func kline() throws {
        let now = Timestamp(milliseconds: 1_670_608_800_000 + 1_800_000)
        let candles = try BybitMarketDecoder.candles(from: bybitReply(klines), timeframe: .h1, now: now)
        #expect(candles.map(\.openTime.milliseconds) == [1_670_601_600_000, 1_670_605_200_000, 1_670_608_800_000])
        #expect(candles.map(\.isClosed) == [true, true, false])
        let first = candles[0]
        #expect(first.symbol == (try Symbol("BTCUSDT")))
        #expect(first.timeframe == .h1)
        #expect(first.open == Price(fp("17086.5")))
        #expect(first.high == Price(fp("17088")))
        #expect(first.low == Price(fp("16978")))
        #expect(first.close == Price(fp("17071.5")))
        #expect(first.volume == Quantity(fp("6356")))
        #expect(first.turnover == Money(fp("0.37288112")))
        // Exactly at the end of the last bucket it is closed.
        let later = try BybitMarketDecoder.candles(
            from: bybitReply(klines), timeframe: .h1, now: Timestamp(milliseconds: 1_670_612_400_000))
        #expect(later.map(\.isClosed) == [true, true, true])
    }

    @Test("kline: malformed rows are typed errors")
    func klineMalformed() {
        func decode(_ list: String, timeframe: Timeframe = .h1) throws {
            _ = try BybitMarketDecoder.candles(
                from: bybitReply(#"{"symbol":"BTCUSDT","category":"linear","list":[\#(list)]}"#),
                timeframe: timeframe, now: Timestamp(milliseconds: 1_700_000_000_000))
        }
        #expect {
            try decode(#"["1670608800000",17071,"17073","17027","17055.5","268611","15.7"]"#)
        } throws: { isDecodingError($0, field: "result.list[0][1]") { $0 == .nonStringNumber } }
        #expect {
            try decode(#"["1670608800000","17071","17073"]"#)
        } throws: { isDecodingError($0, field: "result.list[0]") { if case .typeMismatch = $0 { true } else { false } } }
        #expect {
            try decode(#"["1670608800000","17071","17000","17027","17055.5","268611","15.7"]"#)
        } throws: { isDecodingError($0, field: "result.list[0]") { if case .invalidValue = $0 { true } else { false } } }
        // 15-minute start given to an hourly decode: not a bucket start.
        #expect {
            try decode(#"["1670609700000","17071","17073","17027","17055.5","268611","15.7"]"#)
        } throws: { isDecodingError($0, field: "result.list[0]") { if case .invalidValue = $0 { true } else { false } } }
        // Oldest first (wrong order) is refused rather than silently reversed.
        #expect {
            try decode(#"["1670601600000","1","1","1","1","1","1"],["1670605200000","1","1","1","1","1","1"]"#)
        } throws: { isDecodingError($0, field: "result.list[0]") { if case .invalidValue = $0 { true } else { false } } }
    }

    let tickers = #"""
        {"category":"linear","list":[{"symbol":"BTCUSDT","lastPrice":"16597.00","indexPrice":"16598.54",
         "markPrice":"16596.00","prevPrice24h":"16464.50","price24hPcnt":"0.008047","highPrice24h":"30912.50",
         "lowPrice24h":"15700.00","prevPrice1h":"16595.50","openInterest":"373504107","openInterestValue":"6198931.50",
         "turnover24h":"2304.0235","volume24h":"0.138","fundingRate":"-0.000212","nextFundingTime":"1672387200000",
         "predictedDeliveryPrice":"","basisRate":"","deliveryFeeRate":"","deliveryTime":"0","ask1Size":"0.1",
         "bid1Price":"16596.00","ask1Price":"16597.50","bid1Size":"1","basis":""}]}
        """#

    @Test("tickers: linear item")
    func ticker() throws {
        let ticker = try #require(try BybitMarketDecoder.tickers(from: bybitReply(tickers)).first)
        #expect(ticker.symbol == (try Symbol("BTCUSDT")))
        #expect(ticker.lastPrice == Price(fp("16597")))
        #expect(ticker.markPrice == Price(fp("16596")))
        #expect(ticker.indexPrice == Price(fp("16598.54")))
        #expect(ticker.bid1Price == Price(fp("16596")))
        #expect(ticker.bid1Size == Quantity(fp("1")))
        #expect(ticker.ask1Price == Price(fp("16597.5")))
        #expect(ticker.ask1Size == Quantity(fp("0.1")))
        #expect(ticker.fundingRate == fp("-0.000212"))
        #expect(ticker.nextFundingTime == Timestamp(milliseconds: 1_672_387_200_000))
        #expect(ticker.volume24h == Quantity(fp("0.138")))
        #expect(ticker.turnover24h == Money(fp("2304.0235")))
        #expect(ticker.openInterest == Quantity(fp("373504107")))
    }

    @Test("tickers: an empty book side is nil; a bad number is an error")
    func tickerEdges() throws {
        let empty = try #require(try BybitMarketDecoder.tickers(from: bybitReply(
            tickers.replacingOccurrences(of: #""bid1Price":"16596.00""#, with: #""bid1Price":"""#))).first)
        #expect(empty.bid1Price == nil)
        #expect {
            _ = try BybitMarketDecoder.tickers(from: bybitReply(
                tickers.replacingOccurrences(of: #""markPrice":"16596.00""#, with: #""markPrice":"16,596""#)))
        } throws: { isDecodingError($0, field: "result.list[0].markPrice") { $0 == .invalidNumber("16,596") } }
        #expect {
            _ = try BybitMarketDecoder.tickers(from: bybitReply(
                tickers.replacingOccurrences(of: #""fundingRate":"-0.000212""#, with: #""fundingRate":-0.000212"#)))
        } throws: { isDecodingError($0, field: "result.list[0].fundingRate") { $0 == .nonStringNumber } }
    }

    let book = #"""
        {"s":"BTCUSDT","a":[["65557.7","16.606555"],["65558.0","0.5"]],"b":[["65485.47","47.081829"],["65485.0","1.2"]],
         "ts":1716863719031,"u":230704,"seq":1432604333,"cts":1716863718905}
        """#

    @Test("orderbook: levels, u, seq, ts")
    func orderBook() throws {
        let book = try BybitMarketDecoder.orderBook(from: bybitReply(book))
        #expect(book.symbol == (try Symbol("BTCUSDT")))
        #expect(book.bids == [BybitBookLevel(price: Price(fp("65485.47")), size: Quantity(fp("47.081829"))),
                              BybitBookLevel(price: Price(fp("65485.0")), size: Quantity(fp("1.2")))])
        #expect(book.bestAsk == BybitBookLevel(price: Price(fp("65557.7")), size: Quantity(fp("16.606555"))))
        #expect(book.asks.count == 2)
        #expect(book.updateID == 230_704)
        #expect(book.sequence == 1_432_604_333)
        #expect(book.timestamp == Timestamp(milliseconds: 1_716_863_719_031))
        #expect(book.matchingTimestamp == Timestamp(milliseconds: 1_716_863_718_905))
    }

    @Test("orderbook: malformed levels and order")
    func orderBookMalformed() {
        #expect {
            _ = try BybitMarketDecoder.orderBook(from: bybitReply(
                book.replacingOccurrences(of: #"["65558.0","0.5"]"#, with: #"[65558.0,"0.5"]"#)))
        } throws: { isDecodingError($0, field: "result.a[1][0]") { $0 == .nonStringNumber } }
        #expect {
            _ = try BybitMarketDecoder.orderBook(from: bybitReply(
                book.replacingOccurrences(of: #"["65558.0","0.5"]"#, with: #"["65500.0","0.5"]"#)))
        } throws: { isDecodingError($0, field: "result.a[1]") { if case .invalidValue = $0 { true } else { false } } }
        #expect {
            _ = try BybitMarketDecoder.orderBook(from: bybitReply(
                book.replacingOccurrences(of: #""u":230704,"#, with: "")))
        } throws: { isDecodingError($0, field: "result.u") { $0 == .missingField } }
        #expect {
            _ = try BybitMarketDecoder.orderBook(from: bybitReply(
                book.replacingOccurrences(of: #"["65485.0","1.2"]"#, with: #"["65485.0"]"#)))
        } throws: { isDecodingError($0, field: "result.b[1]") { if case .typeMismatch = $0 { true } else { false } } }
    }
}
