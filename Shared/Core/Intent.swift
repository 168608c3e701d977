/// Whether an intent opens a position or closes one.
public enum IntentKind: String, Sendable, Hashable, Codable, CaseIterable {
    case entry
    case exit
}

/// A strategy's wish to trade, produced by signals and judged by risk. It carries no size:
/// sizing is risk's job.
///
/// Validated: reference price > 0, and for entries a stop-loss is required and every
/// protective level is on the correct side of the reference price (for a buy: stop-loss below,
/// take-profits above; for a sell the reverse). Exits may omit stop-loss and take-profits.
public struct Intent: Sendable, Hashable, Codable {
    /// Stable id derived from the cause; see `Intent.deriveID`.
    public let id: String
    /// The strategy's name, e.g. "macd_rsi".
    public let strategy: String
    public let symbol: Symbol
    /// Entry: the direction of the position to open (buy = long). Exit: the side of the position
    /// to close (buy = close the long), as in `signals.intents.v1`.
    public let side: Side
    public let kind: IntentKind
    /// The price the strategy saw when deciding (usually the signal candle's close).
    public let referencePrice: Price
    public let stopLoss: Price?
    /// Take-profit targets, nearest first.
    public let takeProfits: [Price]
    /// The timeframe of the signal candle.
    public let timeframe: Timeframe
    /// Open time of the candle that produced the signal.
    public let candleTime: Timestamp
    public let createdAt: Timestamp

    /// Throws `RecordValidationError` if the fields are inconsistent.
    public init(
        id: String, strategy: String, symbol: Symbol, side: Side, kind: IntentKind,
        referencePrice: Price, stopLoss: Price?, takeProfits: [Price],
        timeframe: Timeframe, candleTime: Timestamp, createdAt: Timestamp
    ) throws {
        try check(!id.isEmpty, "id", "id is empty")
        try check(!strategy.isEmpty, "strategy", "strategy is empty")
        try check(referencePrice.isPositive, "referencePrice", "reference price \(referencePrice) must be greater than zero")
        if kind == .entry {
            guard let stopLoss else {
                throw RecordValidationError(record: "Intent", field: "stopLoss", reason: "an entry needs a stop-loss")
            }
            let stopOK = side == .buy ? stopLoss < referencePrice : stopLoss > referencePrice
            try check(stopOK, "stopLoss",
                      "stop-loss \(stopLoss) must be \(side == .buy ? "below" : "above") the reference price \(referencePrice) for a \(side)")
            for target in takeProfits {
                let targetOK = side == .buy ? target > referencePrice : target < referencePrice
                try check(targetOK, "takeProfits",
                          "take-profit \(target) must be \(side == .buy ? "above" : "below") the reference price \(referencePrice) for a \(side)")
            }
        }
        self.id = id
        self.strategy = strategy
        self.symbol = symbol
        self.side = side
        self.kind = kind
        self.referencePrice = referencePrice
        self.stopLoss = stopLoss
        self.takeProfits = takeProfits
        self.timeframe = timeframe
        self.candleTime = candleTime
        self.createdAt = createdAt
    }

    /// The stable id of the intent a strategy emits for a candle:
    /// `StableID.derive(namespace: "intent", parts: [strategy, symbol, timeframe, candle time ms, kind, side])`.
    public static func deriveID(
        strategy: String, symbol: Symbol, timeframe: Timeframe, candleTime: Timestamp, kind: IntentKind, side: Side
    ) -> String {
        StableID.derive(
            namespace: "intent",
            parts: [strategy, symbol.rawValue, timeframe.label, String(candleTime.milliseconds), kind.rawValue, side.rawValue])
    }

    enum CodingKeys: String, CodingKey {
        case id, strategy, symbol, side, kind, referencePrice, stopLoss, takeProfits, timeframe, candleTime, createdAt
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            id: c.decode(String.self, forKey: .id),
            strategy: c.decode(String.self, forKey: .strategy),
            symbol: c.decode(Symbol.self, forKey: .symbol),
            side: c.decode(Side.self, forKey: .side),
            kind: c.decode(IntentKind.self, forKey: .kind),
            referencePrice: c.decode(Price.self, forKey: .referencePrice),
            stopLoss: c.decodeIfPresent(Price.self, forKey: .stopLoss),
            takeProfits: c.decode([Price].self, forKey: .takeProfits),
            timeframe: c.decode(Timeframe.self, forKey: .timeframe),
            candleTime: c.decode(Timestamp.self, forKey: .candleTime),
            createdAt: c.decode(Timestamp.self, forKey: .createdAt))
    }
}

private func check(_ condition: Bool, _ field: String, _ reason: @autoclosure () -> String) throws {
    try RecordValidationError.check(condition, "Intent", field, reason())
}
