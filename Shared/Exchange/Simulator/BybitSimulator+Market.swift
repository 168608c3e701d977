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
                    rows.append(Self.klineRow(series: series, instrument: instrument, start: bucket, minutes: from...to))
                }
                bucket = timeframe.bucketStart(of: bucket.adding(milliseconds: -1))
            }
            return rows
        } ?? []
        return .object([("category", .string("linear")), ("symbol", .string(instrument.symbol.rawValue)), ("list", .array(rows))])
    }

    static func klineRow(series: MinuteSeries, instrument: SimulatedInstrument, start: Timestamp, minutes: ClosedRange<Int64>) -> SimJSON {
        let first = series.bars[Int(minutes.lowerBound)]
        var high = first.high
        var low = first.low
        var volume: Int64 = 0
        var turnover: Int64 = 0
        for index in minutes {
            let bar = series.bars[Int(index)]
            high = max(high, bar.high)
            low = min(low, bar.low)
            volume += bar.volume
            turnover += bar.volume * bar.close * instrument.tickUnits
        }
        let close = series.bars[Int(minutes.upperBound)].close
        return .array([
            .string(String(start.milliseconds)),
            .string(instrument.price(ticks: first.open)),
            .string(instrument.price(ticks: high)),
            .string(instrument.price(ticks: low)),
            .string(instrument.price(ticks: close)),
            .string(instrument.quantity(units: volume)),
            .string(decimal(turnover, scale: instrument.qtyScale + instrument.priceScale)),
        ])
    }

    // MARK: - tickers

    func lastTicks(_ instrument: SimulatedInstrument, now: Timestamp) -> (last: Int64, dayVolume: Int64, dayOpen: Int64) {
        market.withSeries(instrument.symbol, through: now) { series in
            let lastIndex = series.bars.count - 1
            let from = max(0, lastIndex - 1439)
            var volume: Int64 = 0
            for index in from...lastIndex { volume += series.bars[index].volume }
            return (series.lastClose, volume, series.bars[from].open)
        } ?? (instrument.startTicks, 0, instrument.startTicks)
    }

    func tickers(_ query: [String: String], now: Timestamp) throws(SimulatorReject) -> SimJSON {
        try category(query)
        let selected = try instrument(query, required: false).map { [$0] } ?? instruments
        let nextFunding = (now.milliseconds / 28_800_000 + 1) * 28_800_000
        let list: [SimJSON] = selected.map { instrument in
            let stats = lastTicks(instrument, now: now)
            let last = stats.last
            let size = instrument.quantity(units: instrument.minOrderQtyUnits * 10)
            return .object([
                ("symbol", .string(instrument.symbol.rawValue)),
                ("lastPrice", .string(instrument.price(ticks: last))),
                ("indexPrice", .string(instrument.price(ticks: last))),
                ("markPrice", .string(instrument.price(ticks: last))),
                ("prevPrice24h", .string(instrument.price(ticks: stats.dayOpen))),
                ("price24hPcnt", .string("0")),
                ("highPrice24h", .string(instrument.price(ticks: max(last, stats.dayOpen)))),
                ("lowPrice24h", .string(instrument.price(ticks: min(last, stats.dayOpen)))),
                ("prevPrice1h", .string(instrument.price(ticks: last))),
                ("openInterest", .string(instrument.quantity(units: instrument.maxOrderQtyUnits))),
                ("openInterestValue", .string("0")),
                ("turnover24h", .string(decimal(stats.dayVolume * last * instrument.tickUnits, scale: instrument.qtyScale + instrument.priceScale))),
                ("volume24h", .string(instrument.quantity(units: stats.dayVolume))),
                ("fundingRate", .string(market.fundingRate(instrument.symbol, at: now).description)),
                ("nextFundingTime", .string(String(nextFunding))),
                ("predictedDeliveryPrice", .string("")),
                ("basisRate", .string("")),
                ("deliveryFeeRate", .string("")),
                ("deliveryTime", .string("0")),
                ("ask1Size", .string(size)),
                ("bid1Price", .string(instrument.price(ticks: last - 1))),
                ("ask1Price", .string(instrument.price(ticks: last + 1))),
                ("bid1Size", .string(size)),
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
