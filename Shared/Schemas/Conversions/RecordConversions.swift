import Core

/// Runs `body`, turning a record's own validation error into a conversion error.
func converting<T>(_ message: String, _ body: () throws -> T) throws(SchemaConversionError) -> T {
    do {
        return try body()
    } catch let error as SchemaConversionError {
        throw error
    } catch let error as RecordValidationError {
        throw SchemaConversionError(message: message, field: error.field, reason: error.reason)
    } catch {
        throw SchemaConversionError(message: message, field: "", reason: "\(error)")
    }
}

extension Keel_V1_TakeProfitTarget {
    /// A ladder step with its price only (no fraction or quantity yet).
    public init(price: Price) {
        self.init()
        self.price = Keel_V1_Decimal(price)
    }

    /// A ladder step of an intent: price and fraction, no quantity.
    public init(_ target: TakeProfitTarget) {
        self.init(price: target.price)
        fraction = Keel_V1_Decimal(target.fraction)
    }

    func target(_ message: String, _ field: String) throws(SchemaConversionError) -> TakeProfitTarget {
        guard hasPrice else { throw SchemaConversionError(message: message, field: "\(field).price", reason: "missing") }
        guard hasFraction else { throw SchemaConversionError(message: message, field: "\(field).fraction", reason: "missing") }
        let price = Price(try self.price.fixedPoint(message, "\(field).price"))
        let fraction = try self.fraction.fixedPoint(message, "\(field).fraction")
        return try converting(message) { try TakeProfitTarget(price: price, fraction: fraction) }
    }
}

extension Keel_V1_TrailingStop {
    public init(_ rule: TrailingRule) {
        self.init()
        switch rule.offset {
        case .distance(let distance): offset = .distance(Keel_V1_Decimal(distance))
        case .fraction(let fraction): offset = .fraction(Keel_V1_Decimal(fraction))
        }
        afterTarget = UInt32(rule.afterTarget)
    }

    /// The rule; an activation price (not used by Keel's strategies) is refused rather than dropped.
    func rule(_ message: String) throws(SchemaConversionError) -> TrailingRule {
        guard !hasActivationPrice else {
            throw SchemaConversionError(message: message, field: "trailing.activation_price", reason: "is not supported")
        }
        let offset: TrailingRule.Offset
        switch self.offset {
        case .distance(let distance)?: offset = .distance(Price(try distance.fixedPoint(message, "trailing.distance")))
        case .fraction(let fraction)?: offset = .fraction(try fraction.fixedPoint(message, "trailing.fraction"))
        case nil: throw SchemaConversionError(message: message, field: "trailing.offset", reason: "missing")
        }
        return try converting(message) { try TrailingRule(offset: offset, afterTarget: Int(afterTarget)) }
    }
}

extension Keel_V1_Intent {
    /// `signals.intents.v1` for `intent`.
    public init(_ intent: Intent) {
        self.init()
        intentID = intent.id
        strategy = intent.strategy
        symbol = intent.symbol.rawValue
        side = Keel_V1_Side(intent.side)
        kind = intent.kind == .entry ? .entry : .exit
        timeframe = Keel_V1_Timeframe(intent.timeframe)
        candleTimeMs = intent.candleTime.milliseconds
        referencePrice = Keel_V1_Decimal(intent.referencePrice)
        switch intent.entry {
        case .market: entryType = .market
        case .limit(let limit):
            entryType = .limit
            entryPrice = Keel_V1_Decimal(limit)
        }
        if let stop = intent.stopLoss { stopLoss = Keel_V1_Decimal(stop) }
        takeProfits = intent.takeProfits.map(Keel_V1_TakeProfitTarget.init)
        if let rule = intent.trailing { trailing = Keel_V1_TrailingStop(rule) }
        breakEvenAfterTarget = UInt32(intent.breakEvenAfterTarget)
        createdMs = intent.createdAt.milliseconds
        if let expiry = intent.expiresAt { expiresMs = expiry.milliseconds }
        score = intent.confidence
        reason = intent.reason
        indicators = intent.indicators.dictionary
    }

    /// The Core intent, validated.
    public func intent() throws(SchemaConversionError) -> Intent {
        let name = "Intent"
        let kind = try self.kind.intentKind(name)
        let symbol = try Schemas.symbol(self.symbol, name)
        let side = try self.side.side(name)
        let timeframe = try self.timeframe.timeframe(name)
        guard hasReferencePrice else { throw SchemaConversionError(message: name, field: "reference_price", reason: "missing") }
        let reference = Price(try referencePrice.fixedPoint(name, "reference_price"))
        let stop = hasStopLoss ? Price(try stopLoss.fixedPoint(name, "stop_loss")) : nil
        let entry: EntryOrder
        switch entryType {
        case .unspecified, .market: entry = .market
        case .limit:
            guard hasEntryPrice else { throw SchemaConversionError(message: name, field: "entry_price", reason: "missing for a LIMIT entry") }
            entry = .limit(Price(try entryPrice.fixedPoint(name, "entry_price")))
        case .UNRECOGNIZED(let value):
            throw SchemaConversionError(message: name, field: "entry_type", reason: "unknown value \(value)")
        }
        var targets: [TakeProfitTarget] = []
        for (index, target) in takeProfits.enumerated() {
            targets.append(try target.target(name, "take_profits[\(index)]"))
        }
        let trailing = hasTrailing ? try self.trailing.rule(name) : nil
        return try converting(name) {
            try Intent(
                id: intentID, strategy: strategy, symbol: symbol, side: side, kind: kind, referencePrice: reference,
                entry: entry, stopLoss: stop, takeProfits: targets, trailing: trailing,
                breakEvenAfterTarget: Int(breakEvenAfterTarget), timeframe: timeframe,
                candleTime: Timestamp(milliseconds: candleTimeMs), createdAt: Timestamp(milliseconds: createdMs),
                expiresAt: expiresMs == 0 ? nil : Timestamp(milliseconds: expiresMs),
                confidence: score, reason: reason, indicators: IndicatorValues(indicators))
        }
    }
}

extension Keel_V1_Candle {
    /// `md.candles.v1` for `candle` from `venue`.
    public init(_ candle: Candle, venue: Keel_V1_Venue, backfilled: Bool = false, receivedAt: Timestamp) {
        self.init()
        symbol = candle.symbol.rawValue
        self.venue = venue
        timeframe = Keel_V1_Timeframe(candle.timeframe)
        openTimeMs = candle.openTime.milliseconds
        open = Keel_V1_Decimal(candle.open)
        high = Keel_V1_Decimal(candle.high)
        low = Keel_V1_Decimal(candle.low)
        close = Keel_V1_Decimal(candle.close)
        volume = Keel_V1_Decimal(candle.volume)
        if let turnover = candle.turnover { self.turnover = Keel_V1_Decimal(turnover) }
        closed = candle.isClosed
        self.backfilled = backfilled
        receivedMs = receivedAt.milliseconds
    }

    /// The Core candle, validated.
    public func candle() throws(SchemaConversionError) -> Candle {
        let name = "Candle"
        let symbol = try Schemas.symbol(self.symbol, name)
        let timeframe = try self.timeframe.timeframe(name)
        for (field, present) in [("open", hasOpen), ("high", hasHigh), ("low", hasLow), ("close", hasClose), ("volume", hasVolume)] where !present {
            throw SchemaConversionError(message: name, field: field, reason: "missing")
        }
        let open = Price(try self.open.fixedPoint(name, "open"))
        let high = Price(try self.high.fixedPoint(name, "high"))
        let low = Price(try self.low.fixedPoint(name, "low"))
        let close = Price(try self.close.fixedPoint(name, "close"))
        let volume = Quantity(try self.volume.fixedPoint(name, "volume"))
        let turnover = hasTurnover ? Money(try self.turnover.fixedPoint(name, "turnover")) : nil
        return try converting(name) {
            try Candle(
                symbol: symbol, timeframe: timeframe, openTime: Timestamp(milliseconds: openTimeMs), open: open, high: high,
                low: low, close: close, volume: volume, turnover: turnover, isClosed: closed)
        }
    }
}
