/// Whether an intent opens a position or closes one.
public enum IntentKind: String, Sendable, Hashable, Codable, CaseIterable {
    case entry
    case exit
}

/// A strategy's wish to trade, produced by signals and judged by risk. It carries no size:
/// sizing is risk's job.
///
/// Validated: reference price > 0, and for entries a stop-loss is required and every
/// protective level is on the correct side of the entry price (the limit price, or the reference
/// price for a market entry; for a buy: stop-loss below, take-profits above; for a sell the
/// reverse), and the ladder's fractions sum to at most 1. Exits may omit stop-loss and
/// take-profits.
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
    /// How to get in: at the market or with a limit order.
    public let entry: EntryOrder
    public let stopLoss: Price?
    /// The take-profit ladder, nearest first.
    public let takeProfits: [TakeProfitTarget]
    /// How the stop trails after the ladder's first steps, if it does.
    public let trailing: TrailingRule?
    /// 0 = never; n = move the stop to the entry price once the n-th target has filled.
    public let breakEvenAfterTarget: Int
    /// The timeframe of the signal candle.
    public let timeframe: Timeframe
    /// Open time of the candle that produced the signal.
    public let candleTime: Timestamp
    public let createdAt: Timestamp
    /// The price the position is expected to open at: the limit price, or the reference price
    /// for a market entry.
    public var entryPrice: Price { entry.price(reference: referencePrice) }
    /// Risk refuses the intent after this time; nil = no expiry.
    public let expiresAt: Timestamp?
    /// The strategy's confidence in 0...1 (not money).
    public let confidence: Double
    /// Why, for humans: e.g. "MACD cross up on 15m, RSI 56.2, 1h/4h trend up".
    public let reason: String
    /// The indicator values that triggered the intent, by name (e.g. "rsi_14").
    public let indicators: IndicatorValues

    /// Throws `RecordValidationError` if the fields are inconsistent.
    public init(
        id: String, strategy: String, symbol: Symbol, side: Side, kind: IntentKind,
        referencePrice: Price, entry: EntryOrder = .market, stopLoss: Price?, takeProfits: [TakeProfitTarget],
        trailing: TrailingRule? = nil, breakEvenAfterTarget: Int = 0,
        timeframe: Timeframe, candleTime: Timestamp, createdAt: Timestamp, expiresAt: Timestamp? = nil,
        confidence: Double = 0, reason: String = "", indicators: IndicatorValues = [:]
    ) throws {
        try check(!id.isEmpty, "id", "id is empty")
        try check(!strategy.isEmpty, "strategy", "strategy is empty")
        try check(referencePrice.isPositive, "referencePrice", "reference price \(referencePrice) must be greater than zero")
        if case .limit(let limit) = entry {
            try check(limit.isPositive, "entry", "limit price \(limit) must be greater than zero")
        }
        if kind == .entry {
            guard let stopLoss else {
                throw RecordValidationError(record: "Intent", field: "stopLoss", reason: "an entry needs a stop-loss")
            }
            let entryPrice = entry.price(reference: referencePrice)
            let basis = entry == .market ? "reference price" : "limit price"
            let stopOK = side == .buy ? stopLoss < entryPrice : stopLoss > entryPrice
            try check(stopOK, "stopLoss",
                      "stop-loss \(stopLoss) must be \(side == .buy ? "below" : "above") the \(basis) \(entryPrice) for a \(side)")
            for target in takeProfits.map(\.price) {
                let targetOK = side == .buy ? target > entryPrice : target < entryPrice
                try check(targetOK, "takeProfits",
                          "take-profit \(target) must be \(side == .buy ? "above" : "below") the \(basis) \(entryPrice) for a \(side)")
            }
        }
        let ladderTotal = try? takeProfits.reduce(FixedPoint.zero) { try $0.adding($1.fraction) }
        try check(ladderTotal.map { $0 <= FixedPoint(integer: 1) } ?? false, "takeProfits",
                  "the ladder's fractions \(takeProfits.map(\.fraction)) sum to more than 1")
        try check(breakEvenAfterTarget >= 0 && breakEvenAfterTarget <= takeProfits.count, "breakEvenAfterTarget",
                  "\(breakEvenAfterTarget) is not a target of the \(takeProfits.count)-step ladder")
        try check(confidence.isFinite && (0...1).contains(confidence), "confidence", "confidence \(confidence) must be within 0...1")
        try check(indicators.entries.allSatisfy(\.value.isFinite), "indicators", "indicator values must be finite")
        try check(expiresAt.map { $0 > createdAt } ?? true, "expiresAt", "expiry must be after creation")
        self.id = id
        self.strategy = strategy
        self.symbol = symbol
        self.side = side
        self.kind = kind
        self.referencePrice = referencePrice
        self.entry = entry
        self.stopLoss = stopLoss
        self.takeProfits = takeProfits
        self.trailing = trailing
        self.breakEvenAfterTarget = breakEvenAfterTarget
        self.timeframe = timeframe
        self.candleTime = candleTime
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.confidence = confidence
        self.reason = reason
        self.indicators = indicators
    }

    /// The stable id of the intent a strategy emits for a candle:
    /// `StableID.derive(namespace: "intent", parts: [strategy, symbol, timeframe, candle time ms, kind, side])`.
    public static func deriveID(
        strategy: String, symbol: Symbol, timeframe: Timeframe, candleTime: Timestamp, kind: IntentKind, side: Side
    ) -> String {
        // The parts written as they are, not gathered into strings first: every intent has one.
        let textBytes = strategy.utf8.count + symbol.rawValue.utf8.count + timeframe.label.utf8.count + kind.rawValue.utf8.count
            + side.rawValue.utf8.count
        return StableID.derive(namespace: "intent", partCount: 6, partBytes: textBytes + 20) { message in
            message.write(strategy)
            message.write(symbol.rawValue)
            message.write(timeframe.label)
            message.write(decimal: candleTime.milliseconds)
            message.write(kind.rawValue)
            message.write(side.rawValue)
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, strategy, symbol, side, kind, referencePrice, entry, stopLoss, takeProfits, trailing, breakEvenAfterTarget
        case timeframe, candleTime, createdAt, expiresAt, confidence, reason, indicators
    }

    /// Fields added after the first release decode to their defaults when absent.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            id: c.decode(String.self, forKey: .id),
            strategy: c.decode(String.self, forKey: .strategy),
            symbol: c.decode(Symbol.self, forKey: .symbol),
            side: c.decode(Side.self, forKey: .side),
            kind: c.decode(IntentKind.self, forKey: .kind),
            referencePrice: c.decode(Price.self, forKey: .referencePrice),
            entry: c.decodeIfPresent(EntryOrder.self, forKey: .entry) ?? .market,
            stopLoss: c.decodeIfPresent(Price.self, forKey: .stopLoss),
            takeProfits: c.decode([TakeProfitTarget].self, forKey: .takeProfits),
            trailing: c.decodeIfPresent(TrailingRule.self, forKey: .trailing),
            breakEvenAfterTarget: c.decodeIfPresent(Int.self, forKey: .breakEvenAfterTarget) ?? 0,
            timeframe: c.decode(Timeframe.self, forKey: .timeframe),
            candleTime: c.decode(Timestamp.self, forKey: .candleTime),
            createdAt: c.decode(Timestamp.self, forKey: .createdAt),
            expiresAt: c.decodeIfPresent(Timestamp.self, forKey: .expiresAt),
            confidence: c.decodeIfPresent(Double.self, forKey: .confidence) ?? 0,
            reason: c.decodeIfPresent(String.self, forKey: .reason) ?? "",
            indicators: c.decodeIfPresent(IndicatorValues.self, forKey: .indicators) ?? [:])
    }
}

private func check(_ condition: Bool, _ field: String, _ reason: @autoclosure () -> String) throws {
    try RecordValidationError.check(condition, "Intent", field, reason())
}
