import Core

extension BybitSimulator {
    // MARK: - Parameters

    func category(_ query: [String: String], required: Bool = true) throws(SimulatorReject) {
        guard let category = query["category"] else {
            if required { throw .parameter("params error: category is required") }
            return
        }
        guard category == "linear" else {
            throw .parameter("params error: category \(category) is not supported by the simulator (linear only)")
        }
    }

    func integer(_ query: [String: String], _ name: String, in range: ClosedRange<Int64>) throws(SimulatorReject) -> Int64? {
        guard let text = query[name] else { return nil }
        guard let value = Int64(text), range.contains(value) else {
            throw .parameter("params error: \(name) must be an integer in \(range.lowerBound)...\(range.upperBound), got \(text)")
        }
        return value
    }

    func instrument(_ query: [String: String], required: Bool) throws(SimulatorReject) -> SimulatedInstrument? {
        guard let text = query["symbol"] else {
            if required { throw .parameter("params error: symbol is required") }
            return nil
        }
        guard let symbol = try? Symbol(text.uppercased()), let instrument = market.instrument(symbol) else {
            throw .parameter("params error: symbol invalid (\(text))")
        }
        return instrument
    }

    // MARK: - instruments-info

    func instrumentsInfo(_ query: [String: String]) throws(SimulatorReject) -> SimJSON {
        try category(query)
        let limit = Int(try integer(query, "limit", in: 1...1000) ?? 500)
        let pageSize = min(limit, configuration.instrumentsPageSize)
        var selected = instruments
        if let one = try instrument(query, required: false) { selected = [one] }
        if let status = query["status"], status != "Trading" { selected = [] }
        var offset = 0
        if let cursor = query["cursor"], !cursor.isEmpty {
            // The cursor is "next%3D<offset>"; a client that percent-decodes it sends "next=<offset>".
            let digits = cursor.hasPrefix("next%3D") ? cursor.dropFirst(7) : cursor.hasPrefix("next=") ? cursor.dropFirst(5) : ""
            guard let value = Int(digits), value >= 0, value <= selected.count else {
                throw .parameter("params error: cursor invalid (\(cursor))")
            }
            offset = value
        }
        let end = min(offset + pageSize, selected.count)
        let page = selected[offset..<end]
        let next = end < selected.count ? "next%3D\(end)" : ""
        return .object([
            ("category", .string("linear")),
            ("list", .array(page.map(instrumentJSON))),
            ("nextPageCursor", .string(next)),
        ])
    }

    func instrumentJSON(_ instrument: SimulatedInstrument) -> SimJSON {
        .object([
            ("symbol", .string(instrument.symbol.rawValue)),
            ("contractType", .string("LinearPerpetual")),
            ("status", .string("Trading")),
            ("baseCoin", .string(instrument.baseCoin)),
            ("quoteCoin", .string("USDT")),
            ("launchTime", .string("1585526400000")),
            ("deliveryTime", .string("0")),
            ("deliveryFeeRate", .string("")),
            ("priceScale", .string(String(instrument.priceScale))),
            ("leverageFilter", .object([
                ("minLeverage", .string("1")),
                ("maxLeverage", .string("\(instrument.maxLeverage).00")),
                ("leverageStep", .string("0.01")),
            ])),
            ("priceFilter", .object([
                ("minPrice", .string(instrument.price(ticks: 1))),
                ("maxPrice", .string(instrument.price(ticks: instrument.startTicks * 100))),
                ("tickSize", .string(instrument.price(ticks: 1))),
            ])),
            ("lotSizeFilter", .object([
                ("maxOrderQty", .string(instrument.quantity(units: instrument.maxOrderQtyUnits))),
                ("minOrderQty", .string(instrument.quantity(units: instrument.minOrderQtyUnits))),
                ("qtyStep", .string(instrument.quantity(units: instrument.qtyStepUnits))),
                ("postOnlyMaxOrderQty", .string(instrument.quantity(units: instrument.maxOrderQtyUnits))),
                ("maxMktOrderQty", .string(instrument.quantity(units: instrument.maxMarketOrderQtyUnits))),
                ("minNotionalValue", .string(String(instrument.minNotional))),
            ])),
            ("unifiedMarginTrade", .string("true")),
            ("fundingInterval", .string("480")),
            ("settleCoin", .string("USDT")),
            ("copyTrading", .string("both")),
            ("upperFundingRate", .string("0.005")),
            ("lowerFundingRate", .string("-0.005")),
        ])
    }

    // MARK: - kline

    func kline(_ query: [String: String], now: Timestamp) throws(SimulatorReject) -> SimJSON {
        try category(query, required: false)
        guard let instrument = try instrument(query, required: true) else { throw .parameter("params error: symbol is required") }
        guard let interval = query["interval"] else { throw .parameter("params error: interval is required") }
        guard let timeframe = Timeframe(bybitInterval: interval) else {
            throw .parameter("params error: interval invalid (\(interval)); one of 1 3 5 15 30 60 120 240 360 720 D W")
        }
        let limit = try integer(query, "limit", in: 1...1000) ?? 200
        let start = try integer(query, "start", in: 0...Int64.max).map(Timestamp.init(milliseconds:))
        let end = try integer(query, "end", in: 0...Int64.max).map(Timestamp.init(milliseconds:)) ?? now
        if let start, start > end { throw .parameter("params error: start \(start.milliseconds) is after end \(end.milliseconds)") }

        let rows = market.withSeries(instrument.symbol, through: now) { series -> [SimJSON] in
            var rows: [SimJSON] = []
            var bucket = timeframe.bucketStart(of: min(end, now))
            let firstMinute = Int64(0)
            let lastMinute = Int64(series.bars.count) - 1
            while rows.count < limit {
                if let start, bucket < timeframe.bucketStart(of: start) { break }
                let from = max(series.minuteIndex(bucket), firstMinute)
                let to = min(series.minuteIndex(bucket.adding(milliseconds: timeframe.milliseconds)) - 1, lastMinute)
                if to < firstMinute { break }
                if from <= to {
                    rows.append(Self.klineRow(series: series, start: bucket, minutes: from...to, now: now))
                }
                bucket = timeframe.bucketStart(of: bucket.adding(milliseconds: -1))
            }
            return rows
        } ?? []
        return .object([("category", .string("linear")), ("symbol", .string(instrument.symbol.rawValue)), ("list", .array(rows))])
    }

    /// One kline row over `minutes` as they stand at `now` (the current minute so far).
    static func klineRow(series: MinuteSeries, start: Timestamp, minutes: ClosedRange<Int64>, now: Timestamp) -> SimJSON {
        let instrument = series.instrument
        let bars: [MinuteBar] = minutes.map { series.bar($0, at: now) }
        let volume: Int64 = bars.reduce(0) { $0 + $1.volume }
        let turnover: Int64 = bars.reduce(0) { $0 + $1.volume * $1.close * instrument.tickUnits }
        let high: Int64 = bars.map(\.high).max() ?? bars[0].open
        let low: Int64 = bars.map(\.low).min() ?? bars[0].open
        return .array([
            .string(String(start.milliseconds)),
            .string(instrument.price(ticks: bars[0].open)),
            .string(instrument.price(ticks: high)),
            .string(instrument.price(ticks: low)),
            .string(instrument.price(ticks: bars[bars.count - 1].close)),
            .string(instrument.quantity(units: volume)),
            .string(decimal(turnover, scale: instrument.qtyScale + instrument.priceScale)),
        ])
    }

    // MARK: - tickers

    /// The last 24 hours of a symbol at `now`: the last price, the prices 24 h and 1 h ago, the
    /// range and the volume.
    struct DayStats {
        var last: Int64
        var dayAgo: Int64
        var hourAgo: Int64
        var high: Int64
        var low: Int64
        var volume: Int64
    }

    func dayStats(_ instrument: SimulatedInstrument, now: Timestamp) -> DayStats {
        market.withSeries(instrument.symbol, through: now) { series in
            let current = series.minuteIndex(now)
            let first = max(0, current - 1439)
            let bars = (first...max(first, current)).map { series.bar($0, at: now) }
            return DayStats(
                last: series.price(at: now), dayAgo: bars[0].open,
                hourAgo: series.price(at: max(series.genesis, now.adding(milliseconds: -3_600_000))),
                high: bars.map(\.high).max() ?? bars[0].open, low: bars.map(\.low).min() ?? bars[0].open,
                volume: bars.reduce(0) { $0 + $1.volume })
        } ?? DayStats(
            last: instrument.startTicks, dayAgo: instrument.startTicks, hourAgo: instrument.startTicks,
            high: instrument.startTicks, low: instrument.startTicks, volume: 0)
    }

    func tickers(_ query: [String: String], now: Timestamp) throws(SimulatorReject) -> SimJSON {
        try category(query)
        let selected = try instrument(query, required: false).map { [$0] } ?? instruments
        let nextFunding = (FundingSchedule.period(of: now) + 1) * FundingSchedule.periodMilliseconds
        let list: [SimJSON] = selected.map { instrument in
            let stats = dayStats(instrument, now: now)
            let touch = market.book(instrument.symbol, at: now, depth: 1)
            func price(_ ticks: Int64) -> SimJSON { .string(instrument.price(ticks: ticks)) }
            func size(_ level: BookLevel?) -> SimJSON { .string(instrument.quantity(units: level?.sizeUnits ?? 0)) }
            // The 24-hour change as a fraction, six decimals.
            let change = (stats.last - stats.dayAgo) * 1_000_000 / max(1, stats.dayAgo)
            return .object([
                ("symbol", .string(instrument.symbol.rawValue)),
                ("lastPrice", price(stats.last)),
                ("indexPrice", price(stats.last)),
                ("markPrice", price(stats.last)),
                ("prevPrice24h", price(stats.dayAgo)),
                ("price24hPcnt", .string(decimal(change, scale: 6))),
                ("highPrice24h", price(stats.high)),
                ("lowPrice24h", price(stats.low)),
                ("prevPrice1h", price(stats.hourAgo)),
                ("openInterest", .string(instrument.quantity(units: instrument.maxOrderQtyUnits))),
                ("openInterestValue", .string("0")),
                ("turnover24h", .string(decimal(stats.volume * stats.last * instrument.tickUnits, scale: instrument.qtyScale + instrument.priceScale))),
                ("volume24h", .string(instrument.quantity(units: stats.volume))),
                ("fundingRate", .string(market.fundingRate(instrument.symbol, at: now).description)),
                ("nextFundingTime", .string(String(nextFunding))),
                ("predictedDeliveryPrice", .string("")),
                ("basisRate", .string("")),
                ("deliveryFeeRate", .string("")),
                ("deliveryTime", .string("0")),
                ("ask1Size", size(touch.asks.first)),
                ("bid1Price", price(touch.bids.first?.priceTicks ?? stats.last - 1)),
                ("ask1Price", price(touch.asks.first?.priceTicks ?? stats.last + 1)),
                ("bid1Size", size(touch.bids.first)),
                ("basis", .string("")),
            ])
        }
        return .object([("category", .string("linear")), ("list", .array(list))])
    }

    // MARK: - orderbook

    func orderBook(_ query: [String: String], now: Timestamp) throws(SimulatorReject) -> SimJSON {
        try category(query)
        guard let instrument = try instrument(query, required: true) else { throw .parameter("params error: symbol is required") }
        let limit = try integer(query, "limit", in: 1...1000) ?? 25
        let book = market.book(instrument.symbol, at: now, depth: Int(limit))
        func level(_ level: BookLevel) -> SimJSON {
            .array([.string(instrument.price(ticks: level.priceTicks)), .string(instrument.quantity(units: level.sizeUnits))])
        }
        return .object([
            ("s", .string(instrument.symbol.rawValue)),
            ("b", .array(book.bids.map(level))),
            ("a", .array(book.asks.map(level))),
            ("ts", .int(now.milliseconds)),
            ("u", .int(book.updateID)),
            ("seq", .int(book.seq)),
            ("cts", .int(now.milliseconds)),
        ])
    }
}
