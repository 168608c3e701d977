/// One OHLCV candle. Validated on construction and decoding: prices > 0,
/// low ≤ open, close ≤ high, volume ≥ 0, turnover ≥ 0, and `openTime` is the start of a
/// `timeframe` bucket (see `Timeframe.bucketStart(of:)`).
public struct Candle: Sendable, Hashable, Codable {
    public let symbol: Symbol
    public let timeframe: Timeframe
    public let openTime: Timestamp
    public let open: Price
    public let high: Price
    public let low: Price
    public let close: Price
    /// Volume in the base asset.
    public let volume: Quantity
    /// Volume in the quote currency, when the exchange reports it.
    public let turnover: Money?
    /// False while the candle is still forming.
    public private(set) var isClosed: Bool

    /// Throws `RecordValidationError` if the fields are inconsistent.
    public init(
        symbol: Symbol, timeframe: Timeframe, openTime: Timestamp,
        open: Price, high: Price, low: Price, close: Price,
        volume: Quantity, turnover: Money? = nil, isClosed: Bool
    ) throws {
        try check(low.isPositive, "low", "low \(low) must be greater than zero")
        try check(low <= high, "high", "high \(high) is below low \(low)")
        try check(low <= open && open <= high, "open", "open \(open) is outside low \(low) ... high \(high)")
        try check(low <= close && close <= high, "close", "close \(close) is outside low \(low) ... high \(high)")
        try check(!volume.isNegative, "volume", "volume \(volume) is negative")
        try check(!(turnover?.isNegative ?? false), "turnover", "turnover \(turnover?.description ?? "") is negative")
        try check(
            timeframe.isBucketStart(openTime), "openTime",
            "\(openTime) is not the start of a \(timeframe) candle (\(timeframe.bucketStart(of: openTime)) is)")
        self.symbol = symbol
        self.timeframe = timeframe
        self.openTime = openTime
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
        self.turnover = turnover
        self.isClosed = isClosed
    }

    /// The open time of the next candle.
    public var closeTime: Timestamp { openTime.adding(milliseconds: timeframe.milliseconds) }

    /// This candle, closed: for one known to be over though its source judged it forming.
    public var markedClosed: Candle {
        var closed = self
        closed.isClosed = true
        return closed
    }

    enum CodingKeys: String, CodingKey {
        case symbol, timeframe, openTime, open, high, low, close, volume, turnover, isClosed
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            symbol: c.decode(Symbol.self, forKey: .symbol),
            timeframe: c.decode(Timeframe.self, forKey: .timeframe),
            openTime: c.decode(Timestamp.self, forKey: .openTime),
            open: c.decode(Price.self, forKey: .open),
            high: c.decode(Price.self, forKey: .high),
            low: c.decode(Price.self, forKey: .low),
            close: c.decode(Price.self, forKey: .close),
            volume: c.decode(Quantity.self, forKey: .volume),
            turnover: c.decodeIfPresent(Money.self, forKey: .turnover),
            isClosed: c.decode(Bool.self, forKey: .isClosed))
    }
}

private func check(_ condition: Bool, _ field: String, _ reason: @autoclosure () -> String) throws {
    try RecordValidationError.check(condition, "Candle", field, reason())
}
