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
}

extension Keel_V1_Intent {
    /// `signals.intents.v1` for `intent`. Take-profit targets carry prices only: a Core intent
    /// has no ladder fractions yet.
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
        if let stop = intent.stopLoss { stopLoss = Keel_V1_Decimal(stop) }
        takeProfits = intent.takeProfits.map(Keel_V1_TakeProfitTarget.init(price:))
        createdMs = intent.createdAt.milliseconds
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
        var targets: [Price] = []
        for (index, target) in takeProfits.enumerated() {
            targets.append(Price(try target.price.fixedPoint(name, "take_profits[\(index)].price")))
        }
        return try converting(name) {
            try Intent(
                id: intentID, strategy: strategy, symbol: symbol, side: side, kind: kind, referencePrice: reference,
                stopLoss: stop, takeProfits: targets, timeframe: timeframe, candleTime: Timestamp(milliseconds: candleTimeMs),
                createdAt: Timestamp(milliseconds: createdMs))
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
