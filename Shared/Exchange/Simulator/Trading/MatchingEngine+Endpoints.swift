import Core

/// The private REST endpoints' work: parameters in, Bybit `result` out. Each first advances
/// the market to `now`, as every private request does.
extension MatchingEngine {
    func createOrder(_ apiKey: String, _ fields: RequestFields, at now: Timestamp) throws(SimulatorReject) -> SimJSON {
        let request = try OrderRequest(fields, market: market)
        return try withLedger { (ledger: inout TradingLedger) throws(SimulatorReject) -> SimJSON in
            ledger.advance(to: now)
            let order = try ledger.create(apiKey, request, at: now)
            return .object([("orderId", .string(order.orderId)), ("orderLinkId", .string(order.orderLinkId))])
        }
    }

    func cancelOrder(_ apiKey: String, _ fields: RequestFields, at now: Timestamp) throws(SimulatorReject) -> SimJSON {
        try fields.linearCategory()
        let symbol = try fields.instrument(in: market).symbol
        return try withLedger { (ledger: inout TradingLedger) throws(SimulatorReject) -> SimJSON in
            ledger.advance(to: now)
            let order = try ledger.cancel(apiKey, symbol: symbol, orderId: fields["orderId"], orderLinkId: fields["orderLinkId"], at: now)
            return .object([("orderId", .string(order.orderId)), ("orderLinkId", .string(order.orderLinkId))])
        }
    }

    /// `GET /v5/order/realtime`: by id, or the open orders (`openOnly=1` adds the latest closed
    /// ones), newest first, `limit` a page with a numeric cursor.
    func openOrders(_ apiKey: String, _ fields: RequestFields, at now: Timestamp) throws(SimulatorReject) -> SimJSON {
        try fields.linearCategory()
        let symbol = fields["symbol"] == nil ? nil : try fields.instrument(in: market).symbol
        if symbol == nil, fields["settleCoin"] != "USDT", fields["baseCoin"] == nil, fields["orderId"] == nil, fields["orderLinkId"] == nil {
            throw .parameter("params error: symbol, baseCoin or settleCoin is required")
        }
        let limit = try fields.integer("limit", in: 1...50) ?? 20
        let offset = try fields.integer("cursor", in: 0...Int64(Int32.max)) ?? 0
        let includeClosed = (fields["openOnly"] ?? "0") != "0"
        return try withLedger { (ledger: inout TradingLedger) throws(SimulatorReject) -> SimJSON in
            ledger.advance(to: now)
            var orders = ledger.orders(
                apiKey, symbol: symbol, orderId: fields["orderId"], orderLinkId: fields["orderLinkId"], includeClosed: includeClosed)
            if let baseCoin = fields["baseCoin"] {
                orders = orders.filter { ledger.instrument($0.symbol).baseCoin == baseCoin }
            }
            let start = min(Int(offset), orders.count)
            let end = min(start + Int(limit), orders.count)
            let list = orders[start..<end].map { TradingJSON.order($0, instrument: ledger.instrument($0.symbol), stream: false) }
            return .object([
                ("category", .string("linear")),
                ("nextPageCursor", .string(end < orders.count ? String(end) : "")),
                ("list", .array(list)),
            ])
        }
    }

    /// `GET /v5/execution/list`: the executions of `symbol` (optionally of one `orderId` or
    /// `orderLinkId`, from `startTime`), newest first, `limit` (≤ 100) a page.
    func executions(_ apiKey: String, _ fields: RequestFields, at now: Timestamp) throws(SimulatorReject) -> SimJSON {
        try fields.linearCategory()
        guard fields["symbol"] != nil else { throw .parameter("params error: symbol is required") }
        let symbol = try fields.instrument(in: market).symbol
        let limit = try fields.integer("limit", in: 1...100) ?? 50
        let offset = try fields.integer("cursor", in: 0...Int64(Int32.max)) ?? 0
        let start = try fields.integer("startTime", in: 0...Int64.max).map { Timestamp(milliseconds: $0) }
        return withLedger { (ledger: inout TradingLedger) -> SimJSON in
            ledger.advance(to: now)
            let matching = (ledger.accounts[apiKey]?.executions ?? []).reversed().filter { execution in
                execution.symbol == symbol && (fields["orderId"].map { $0 == execution.orderId } ?? true)
                    && (fields["orderLinkId"].map { $0 == execution.orderLinkId } ?? true)
                    && (start.map { execution.time >= $0 } ?? true)
            }
            let first = min(Int(offset), matching.count)
            let end = min(first + Int(limit), matching.count)
            return .object([
                ("category", .string("linear")),
                ("nextPageCursor", .string(end < matching.count ? String(end) : "")),
                ("list", .array(matching[first..<end].map { TradingJSON.execution($0, instrument: ledger.instrument($0.symbol)) })),
            ])
        }
    }

    /// `GET /v5/position/list`: with `symbol` one row even when flat; with `settleCoin` the
    /// open positions.
    func positions(_ apiKey: String, _ fields: RequestFields, at now: Timestamp) throws(SimulatorReject) -> SimJSON {
        try fields.linearCategory()
        let symbol = fields["symbol"] == nil ? nil : try fields.instrument(in: market).symbol
        if symbol == nil, fields["settleCoin"] != "USDT" {
            throw .parameter("params error: symbol or settleCoin=USDT is required")
        }
        return withLedger { ledger -> SimJSON in
            ledger.advance(to: now)
            let symbols: [Symbol] = symbol.map { [$0] }
                ?? (ledger.accounts[apiKey]?.positions.filter { $0.value.size != 0 }.keys.sorted() ?? [])
            return .object([
                ("category", .string("linear")),
                ("nextPageCursor", .string("")),
                ("list", .array(symbols.map { ledger.positionJSON(apiKey, symbol: $0, at: now, stream: false) })),
            ])
        }
    }

    /// `POST /v5/position/set-leverage`: equal buy and sell leverage in `1...maxLeverage`, step 0.01.
    func setLeverage(_ apiKey: String, _ fields: RequestFields, at now: Timestamp) throws(SimulatorReject) -> SimJSON {
        try fields.linearCategory()
        let instrument = try fields.instrument(in: market)
        let buy = try fields.required("buyLeverage")
        let sell = try fields.required("sellLeverage")
        guard let buyValue = try? FixedPoint(parsing: buy), let sellValue = try? FixedPoint(parsing: sell) else {
            throw .parameter("params error: buyLeverage and sellLeverage must be decimal strings")
        }
        guard buyValue == sellValue else {
            throw .parameter("params error: buyLeverage must equal sellLeverage in one-way mode")
        }
        guard let hundredths = (try? buyValue.rescaled(to: 2))?.units, hundredths >= 100, hundredths <= instrument.maxLeverage * 100 else {
            throw .parameter("params error: leverage \(buy) must be within 1...\(instrument.maxLeverage) in steps of 0.01")
        }
        try withLedger { (ledger: inout TradingLedger) throws(SimulatorReject) in
            ledger.advance(to: now)
            try ledger.setLeverage(apiKey, symbol: instrument.symbol, hundredths: hundredths, at: now)
        }
        return .object([])
    }

    /// `POST /v5/position/trading-stop` (tpslMode Full): take-profit, stop-loss, trailing stop.
    func tradingStop(_ apiKey: String, _ fields: RequestFields, at now: Timestamp) throws(SimulatorReject) -> SimJSON {
        try fields.linearCategory()
        let instrument = try fields.instrument(in: market)
        try fields.oneWayPositionIndex()
        if let mode = fields["tpslMode"], mode != "Full" {
            throw .parameter("params error: tpslMode \(mode) is not supported by the simulator (Full only)")
        }
        let takeProfit = try fields.price("takeProfit", instrument, zeroCancels: true)
        let stopLoss = try fields.price("stopLoss", instrument, zeroCancels: true)
        let trailing = try fields.price("trailingStop", instrument, zeroCancels: true)
        let activation = try fields.price("activePrice", instrument)
        try withLedger { (ledger: inout TradingLedger) throws(SimulatorReject) in
            ledger.advance(to: now)
            try ledger.tradingStop(
                apiKey, symbol: instrument.symbol, takeProfit: takeProfit, stopLoss: stopLoss, trailingDistance: trailing,
                activation: activation, at: now)
        }
        return .object([])
    }

    /// `GET /v5/account/wallet-balance?accountType=UNIFIED[&coin=USDT]`.
    func walletBalance(_ apiKey: String, _ fields: RequestFields, at now: Timestamp) throws(SimulatorReject) -> SimJSON {
        let accountType = try fields.required("accountType")
        guard accountType == "UNIFIED" else {
            throw .parameter("params error: accountType only support UNIFIED")
        }
        return withLedger { ledger -> SimJSON in
            ledger.advance(to: now)
            return .object([("list", .array([ledger.walletJSON(apiKey, at: now)]))])
        }
    }

    /// `GET /v5/user/query-api`: the key's permissions and owner.
    func queryAPI(_ account: SimulatedAccount, at now: Timestamp) -> SimJSON {
        let none = SimJSON.array([])
        return .object([
            ("id", .string(String(account.uid))),
            ("note", .string("keel simulator")),
            ("apiKey", .string(account.apiKey)),
            ("readOnly", .int(account.readOnly ? 1 : 0)),
            ("secret", .string("")),
            ("permissions", .object([
                ("ContractTrade", .array([.string("Order"), .string("Position")])),
                ("Spot", none), ("Wallet", .array([.string("AccountTransfer")])), ("Options", none),
                ("Derivatives", .array([.string("DerivativesTrade")])), ("CopyTrading", none), ("BlockTrade", none),
                ("Exchange", none), ("NFT", none), ("Affiliate", none), ("Earn", none),
            ])),
            ("ips", .array([.string("*")])),
            ("type", .int(1)),
            ("deadlineDay", .int(-1)),
            ("expiredAt", .string("")),
            ("createdAt", .string(String(now.milliseconds))),
            ("unified", .int(0)),
            ("uta", .int(1)),
            ("userID", .int(account.uid)),
            ("inviterID", .int(0)),
            ("vipLevel", .string("No VIP")),
            ("mktMakerLevel", .string("0")),
            ("affiliateID", .int(0)),
            ("rsaPublicKey", .string("")),
            ("isMaster", .bool(true)),
            ("parentUid", .string("0")),
            ("kycLevel", .string("LEVEL_DEFAULT")),
            ("kycRegion", .string("")),
        ])
    }
}
