import Core

/// One `publicTrade` item `{T, s, S, v, p, i, …}` as a Core `Trade`.
struct BybitStreamTrade: Decodable {
    let trade: Trade

    enum CodingKeys: String, CodingKey { case T, s, S, v, p, i }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let id = try c.bybitString(.i)
        let symbol = try c.bybitSymbol(.s)
        let side = try c.bybitSide(.S)
        let price = Price(try c.bybitDecimal(.p))
        let quantity = Quantity(try c.bybitDecimal(.v))
        let time = Timestamp(milliseconds: try c.bybitInteger(.T))
        trade = try validated(field: jsonPath(c.codingPath)) {
            try Trade(id: id, symbol: symbol, price: price, quantity: quantity, takerSide: side, time: time)
        }
    }
}

/// One `kline` item `{start, end, interval, open, close, high, low, volume, turnover, confirm, timestamp}`.
struct BybitStreamKline: Decodable {
    let timeframe: Timeframe
    let start: Timestamp
    let open: Price
    let high: Price
    let low: Price
    let close: Price
    let volume: Quantity
    let turnover: Money
    let confirm: Bool
    let path: String

    enum CodingKeys: String, CodingKey { case start, interval, open, close, high, low, volume, turnover, confirm }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let interval = try c.bybitString(.interval)
        guard let timeframe = Timeframe(bybitInterval: interval) else {
            throw BybitDecodingError(.unknownEnumValue(interval), field: jsonPath(c.codingPath + [CodingKeys.interval]))
        }
        self.timeframe = timeframe
        start = Timestamp(milliseconds: try c.bybitInteger(.start))
        open = Price(try c.bybitDecimal(.open))
        high = Price(try c.bybitDecimal(.high))
        low = Price(try c.bybitDecimal(.low))
        close = Price(try c.bybitDecimal(.close))
        volume = Quantity(try c.bybitDecimal(.volume))
        turnover = Money(try c.bybitDecimal(.turnover))
        confirm = try c.bybitBool(.confirm)
        path = jsonPath(c.codingPath)
    }

    /// The Core candle; `isClosed` is Bybit's `confirm`.
    func candle(symbol: Symbol) throws -> Candle {
        try validated(field: path) {
            try Candle(symbol: symbol, timeframe: timeframe, openTime: start, open: open, high: high, low: low,
                       close: close, volume: volume, turnover: turnover, isClosed: confirm)
        }
    }
}

/// The fields of a `tickers` push, as strings. A delta carries only the fields that changed.
struct BybitTickerFields: Decodable {
    let fields: [String: String]

    private struct AnyKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { return nil }
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        var fields: [String: String] = [:]
        for key in c.allKeys {
            switch try c.decode(BybitScalar.self, forKey: key) {
            case .string(let text): fields[key.stringValue] = text
            case .bool(let flag): fields[key.stringValue] = String(flag)
            case .number: throw BybitDecodingError(.nonStringNumber, field: jsonPath(c.codingPath + [key]))
            case .null, .composite: continue
            }
        }
        self.fields = fields
    }
}

/// One `orderbook` push: a snapshot replaces the book, a delta changes it (size 0 deletes).
public struct BybitBookUpdate: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case snapshot, delta
    }

    public let kind: Kind
    public let symbol: Symbol
    /// Levels as sent: bids, then asks.
    public let bids: [BybitBookLevel]
    public let asks: [BybitBookLevel]
    /// `u`: consecutive per topic; 1 after a service restart.
    public let updateID: Int64
    public let sequence: Int64
    public let time: Timestamp?

    public init(kind: Kind, symbol: Symbol, bids: [BybitBookLevel], asks: [BybitBookLevel], updateID: Int64, sequence: Int64, time: Timestamp?) {
        self.kind = kind
        self.symbol = symbol
        self.bids = bids
        self.asks = asks
        self.updateID = updateID
        self.sequence = sequence
        self.time = time
    }

    /// The update in `push` (an `orderbook.*` topic).
    static func decode(_ push: BybitPush) throws -> BybitBookUpdate {
        guard let type = push.type, let kind = Kind(rawValue: type) else {
            throw BybitDecodingError(push.type.map { .unknownEnumValue($0) } ?? .missingField, field: "type",
                                     excerpt: payloadExcerpt(push.payload))
        }
        let data = try BybitStreamDecoder.data(BookData.self, of: push)
        return BybitBookUpdate(kind: kind, symbol: data.symbol, bids: data.bids, asks: data.asks,
                               updateID: data.updateID, sequence: data.sequence, time: push.time)
    }

    private struct BookData: Decodable {
        let symbol: Symbol
        let bids: [BybitBookLevel]
        let asks: [BybitBookLevel]
        let updateID: Int64
        let sequence: Int64

        enum CodingKeys: String, CodingKey { case s, b, a, u, seq }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            symbol = try c.bybitSymbol(.s)
            bids = try c.bybitArray(.b)
            asks = try c.bybitArray(.a)
            updateID = try c.bybitInteger(.u)
            sequence = try c.bybitInteger(.seq)
        }
    }
}
