import Core
import Foundation

/// `GET /v5/market/time`: `{timeSecond:"1688639403", timeNano:"1688639403423213947"}`.
public struct BybitServerTime: Sendable, Hashable, Decodable {
    public let timeSecond: Int64
    public let timeNano: Int64

    /// The server time in milliseconds (from `timeNano`).
    public var timestamp: Timestamp { Timestamp(milliseconds: timeNano / 1_000_000) }

    enum CodingKeys: String, CodingKey { case timeSecond, timeNano }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        timeSecond = try container.bybitInteger(.timeSecond)
        timeNano = try container.bybitInteger(.timeNano)
        guard timeNano / 1_000_000_000 == timeSecond else {
            throw BybitDecodingError(
                .invalidValue("timeNano \(timeNano) is not within timeSecond \(timeSecond)"),
                field: jsonPath(container.codingPath))
        }
    }
}

/// One kline row `[startTime, open, high, low, close, volume, turnover]`, all strings.
public struct BybitKlineRow: Sendable, Hashable, Decodable {
    public let start: Timestamp
    public let open: Price
    public let high: Price
    public let low: Price
    public let close: Price
    public let volume: Quantity
    public let turnover: Money

    public init(from decoder: any Decoder) throws {
        var row = try decoder.unkeyedContainer()
        if let count = row.count, count < 7 {
            throw BybitDecodingError(
                .typeMismatch(expected: "7 strings [start, open, high, low, close, volume, turnover], got \(count)"),
                field: jsonPath(row.codingPath))
        }
        start = Timestamp(milliseconds: try row.bybitIntegerString())
        open = Price(try row.bybitDecimal())
        high = Price(try row.bybitDecimal())
        low = Price(try row.bybitDecimal())
        close = Price(try row.bybitDecimal())
        volume = Quantity(try row.bybitDecimal())
        turnover = Money(try row.bybitDecimal())
    }
}

/// `GET /v5/market/kline` result: `{category, symbol, list:[row, …]}`, newest first.
public struct BybitKlineResult: Sendable, Hashable, Decodable {
    public let category: String
    public let symbol: Symbol
    /// As sent: newest first.
    public let rows: [BybitKlineRow]

    enum CodingKeys: String, CodingKey { case category, symbol, list }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        category = try container.bybitString(.category)
        symbol = try container.bybitSymbol(.symbol)
        guard container.contains(.list) else {
            throw BybitDecodingError(.missingField, field: jsonPath(container.codingPath + [CodingKeys.list]))
        }
        rows = try container.decode([BybitKlineRow].self, forKey: .list)
    }

    /// The candles oldest first. A candle is closed when `start + timeframe <= now`; the close
    /// of an unclosed one is Bybit's last traded price. Throws `BybitDecodingError` for a row
    /// that is not a valid candle (misaligned start, high below low, …) or a repeated start.
    public func candles(timeframe: Timeframe, now: Timestamp) throws -> [Candle] {
        var candles: [Candle] = []
        candles.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated().reversed() {
            let field = "result.list[\(index)]"
            if let previous = candles.last, previous.openTime >= row.start {
                throw BybitDecodingError(
                    .invalidValue("start \(row.start) does not follow \(previous.openTime) (list must be newest first, no repeats)"),
                    field: field)
            }
            do {
                candles.append(try Candle(
                    symbol: symbol, timeframe: timeframe, openTime: row.start,
                    open: row.open, high: row.high, low: row.low, close: row.close,
                    volume: row.volume, turnover: row.turnover,
                    isClosed: row.start.adding(milliseconds: timeframe.milliseconds) <= now))
            } catch {
                throw BybitDecodingError(.invalidValue(String(describing: error)), field: field)
            }
        }
        return candles
    }
}

/// One linear ticker from `GET /v5/market/tickers`.
public struct BybitTicker: Sendable, Hashable, Decodable {
    public let symbol: Symbol
    public let lastPrice: Price
    public let markPrice: Price
    public let indexPrice: Price
    /// Best bid/ask; nil when that side of the book is empty (Bybit sends "").
    public let bid1Price: Price?
    public let bid1Size: Quantity?
    public let ask1Price: Price?
    public let ask1Size: Quantity?
    public let fundingRate: FixedPoint
    public let nextFundingTime: Timestamp
    public let volume24h: Quantity
    public let turnover24h: Money
    public let openInterest: Quantity?

    enum CodingKeys: String, CodingKey {
        case symbol, lastPrice, markPrice, indexPrice, bid1Price, bid1Size, ask1Price, ask1Size
        case fundingRate, nextFundingTime, volume24h, turnover24h, openInterest
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        symbol = try c.bybitSymbol(.symbol)
        lastPrice = Price(try c.bybitDecimal(.lastPrice))
        markPrice = Price(try c.bybitDecimal(.markPrice))
        indexPrice = Price(try c.bybitDecimal(.indexPrice))
        bid1Price = try c.bybitOptionalDecimal(.bid1Price).map(Price.init)
        bid1Size = try c.bybitOptionalDecimal(.bid1Size).map(Quantity.init)
        ask1Price = try c.bybitOptionalDecimal(.ask1Price).map(Price.init)
        ask1Size = try c.bybitOptionalDecimal(.ask1Size).map(Quantity.init)
        fundingRate = try c.bybitDecimal(.fundingRate)
        nextFundingTime = Timestamp(milliseconds: try c.bybitInteger(.nextFundingTime))
        volume24h = Quantity(try c.bybitDecimal(.volume24h))
        turnover24h = Money(try c.bybitDecimal(.turnover24h))
        openInterest = try c.bybitOptionalDecimal(.openInterest).map(Quantity.init)
    }
}

/// `GET /v5/market/tickers` result: `{category, list:[ticker, …]}`.
public struct BybitTickersResult: Sendable, Hashable, Decodable {
    public let category: String
    public let tickers: [BybitTicker]

    enum CodingKeys: String, CodingKey { case category, list }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        category = try container.bybitString(.category)
        guard container.contains(.list) else {
            throw BybitDecodingError(.missingField, field: jsonPath(container.codingPath + [CodingKeys.list]))
        }
        tickers = try container.decode([BybitTicker].self, forKey: .list)
    }
}

/// One order-book level `[price, size]`.
public struct BybitBookLevel: Sendable, Hashable, Decodable {
    public let price: Price
    public let size: Quantity

    public init(price: Price, size: Quantity) {
        self.price = price
        self.size = size
    }

    public init(from decoder: any Decoder) throws {
        var pair = try decoder.unkeyedContainer()
        if let count = pair.count, count != 2 {
            throw BybitDecodingError(.typeMismatch(expected: "[price, size], got \(count) elements"),
                                     field: jsonPath(pair.codingPath))
        }
        price = Price(try pair.bybitDecimal())
        size = Quantity(try pair.bybitDecimal())
    }
}

/// `GET /v5/market/orderbook` result: `{s, b, a, ts, u, seq, cts}`. Bids are price-descending,
/// asks ascending (checked). `updateID` (`u`) is the same counter as the WebSocket book's `u`.
public struct BybitOrderBook: Sendable, Hashable, Decodable {
    public let symbol: Symbol
    public let bids: [BybitBookLevel]
    public let asks: [BybitBookLevel]
    /// `u`: the update id.
    public let updateID: Int64
    /// `seq`: the cross-sequence.
    public let sequence: Int64
    /// `ts`: when the system generated the data.
    public let timestamp: Timestamp
    /// `cts`: matching-engine time, when present.
    public let matchingTimestamp: Timestamp?

    enum CodingKeys: String, CodingKey { case s, b, a, ts, u, seq, cts }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        symbol = try c.bybitSymbol(.s)
        for key in [CodingKeys.b, .a] where !c.contains(key) {
            throw BybitDecodingError(.missingField, field: jsonPath(c.codingPath + [key]))
        }
        bids = try c.decode([BybitBookLevel].self, forKey: .b)
        asks = try c.decode([BybitBookLevel].self, forKey: .a)
        updateID = try c.bybitInteger(.u)
        sequence = try c.bybitInteger(.seq)
        timestamp = Timestamp(milliseconds: try c.bybitInteger(.ts))
        matchingTimestamp = c.contains(.cts) ? Timestamp(milliseconds: try c.bybitInteger(.cts)) : nil

        let here = jsonPath(c.codingPath)
        for index in bids.indices.dropFirst() where bids[index].price >= bids[index - 1].price {
            throw BybitDecodingError(.invalidValue("bids are not in descending price order"), field: here + ".b[\(index)]")
        }
        for index in asks.indices.dropFirst() where asks[index].price <= asks[index - 1].price {
            throw BybitDecodingError(.invalidValue("asks are not in ascending price order"), field: here + ".a[\(index)]")
        }
    }

    public var bestBid: BybitBookLevel? { bids.first }
    public var bestAsk: BybitBookLevel? { asks.first }
}

/// Entry points that decode a whole market-data reply (envelope included).
public enum BybitMarketDecoder {
    public static func serverTime(from data: Data) throws -> BybitServerTime {
        try BybitResponse.decode(BybitServerTime.self, from: data).result
    }

    public static func instrumentsPage(from data: Data) throws -> BybitInstrumentsPage {
        try BybitResponse.decode(BybitInstrumentsPage.self, from: data).result
    }

    /// Kline candles oldest first, closed or not relative to `now`.
    public static func candles(from data: Data, timeframe: Timeframe, now: Timestamp) throws -> [Candle] {
        try BybitResponse.decode(BybitKlineResult.self, from: data) {
            try $0.candles(timeframe: timeframe, now: now)
        }.result
    }

    public static func tickers(from data: Data) throws -> [BybitTicker] {
        try BybitResponse.decode(BybitTickersResult.self, from: data).result.tickers
    }

    public static func orderBook(from data: Data) throws -> BybitOrderBook {
        try BybitResponse.decode(BybitOrderBook.self, from: data).result
    }
}
