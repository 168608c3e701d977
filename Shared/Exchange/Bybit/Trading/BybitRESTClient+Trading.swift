import Core
import Foundation

/// A take-profit / stop-loss / trailing-stop change for `POST /v5/position/trading-stop`.
/// A nil field is left as it is; `.zero` cancels it.
public struct BybitTradingStop: Sendable, Hashable {
    public var takeProfit: Price?
    public var stopLoss: Price?
    /// A price distance.
    public var trailingStop: Price?
    /// The price at which the trailing stop starts to trail.
    public var activePrice: Price?
    public var triggerBy: BybitTriggerPrice

    public init(
        takeProfit: Price? = nil, stopLoss: Price? = nil, trailingStop: Price? = nil, activePrice: Price? = nil,
        triggerBy: BybitTriggerPrice = .lastPrice
    ) {
        self.takeProfit = takeProfit
        self.stopLoss = stopLoss
        self.trailingStop = trailingStop
        self.activePrice = activePrice
        self.triggerBy = triggerBy
    }
}

/// Signed trading and account endpoints (linear, one-way mode).
extension BybitRESTClient {
    /// Places an order, refusing it first if it breaks a loaded instrument rule.
    ///
    /// Never duplicates: when a create may have executed without a reply saying so, the order is
    /// looked up by its `orderLinkId` and only sent again (with the same id) once it is surely
    /// absent; a 110072 "duplicate" then means an earlier attempt landed, and that order is the
    /// answer. Either way the result is the one order with this `orderLinkId`.
    public func createOrder(_ request: BybitOrderRequest) async throws -> BybitOrderAck {
        try validate(request)
        var unknownOutcomes = 0
        while true {
            do {
                let body = try await post("/v5/order/create", body: request.body)
                return try BybitResponse.decode(BybitOrderAck.self, from: Data(body)).result
            } catch BybitClientError.outcomeUnknown(let detail) {
                unknownOutcomes += 1
                if let placed = try await lookUpPlacedOrder(request) { return placed }
                guard unknownOutcomes < configuration.maxAttempts else {
                    throw BybitClientError.outcomeUnknown("\(detail); not found by orderLinkId after \(unknownOutcomes) attempts")
                }
            } catch let error as BybitError {
                guard case .duplicateOrderLinkID = error, let placed = try await lookUpPlacedOrder(request) else { throw error }
                return placed
            }
        }
    }

    /// The order with `request`'s `orderLinkId`, looked up `lookupAttempts` times, since a create
    /// can take a moment to become visible.
    private func lookUpPlacedOrder(_ request: BybitOrderRequest) async throws -> BybitOrderAck? {
        for attempt in 1...configuration.lookupAttempts {
            if let found = try await order(symbol: request.symbol, orderLinkID: request.orderLinkID) {
                return BybitOrderAck(orderID: found.orderID, orderLinkID: found.orderLinkID)
            }
            if attempt < configuration.lookupAttempts { try await Task.sleep(for: configuration.lookupInterval) }
        }
        return nil
    }

    /// Cancels an open order by its `orderLinkId`. 110001 means it is no longer open.
    public func cancelOrder(symbol: Symbol, orderLinkID: String) async throws -> BybitOrderAck {
        try await cancel(symbol: symbol, idField: ("orderLinkId", orderLinkID))
    }

    public func cancelOrder(symbol: Symbol, orderID: String) async throws -> BybitOrderAck {
        try await cancel(symbol: symbol, idField: ("orderId", orderID))
    }

    private func cancel(symbol: Symbol, idField: (String, String)) async throws -> BybitOrderAck {
        let body = BybitRequestBody([
            ("category", .string("linear")), ("symbol", .string(symbol.rawValue)), (idField.0, .string(idField.1)),
        ])
        return try BybitResponse.decode(BybitOrderAck.self, from: Data(try await post("/v5/order/cancel", body: body))).result
    }

    /// One order by `orderLinkId` (open or recently closed), or nil when Bybit has none.
    public func order(symbol: Symbol, orderLinkID: String) async throws -> BybitOrderRecord? {
        try await ordersPage(query: [("category", "linear"), ("symbol", symbol.rawValue), ("orderLinkId", orderLinkID)])
            .orders.first { $0.orderLinkID == orderLinkID }
    }

    /// Every open order of `symbol`, all pages.
    public func openOrders(symbol: Symbol) async throws -> [BybitOrderRecord] {
        var all: [BybitOrderRecord] = []
        var cursor: String?
        repeat {
            var query = [("category", "linear"), ("symbol", symbol.rawValue), ("openOnly", "0"), ("limit", "50")]
            if let cursor { query.append(("cursor", cursor)) }
            let page = try await ordersPage(query: query)
            all.append(contentsOf: page.orders)
            cursor = page.nextPageCursor
        } while cursor != nil
        return all
    }

    private func ordersPage(query: [(String, String)]) async throws -> BybitOrdersPage {
        try BybitResponse.decode(BybitOrdersPage.self, from: Data(try await get("/v5/order/realtime", query: query, signed: true))).result
    }

    /// Executions of `symbol` (of one venue order, when `orderID` is given) since `start`, all
    /// pages, oldest first: what a restart or a silent private stream missed. Bybit keeps them
    /// queryable for two years; without `start` it answers the last seven days.
    public func executions(symbol: Symbol, orderID: String? = nil, since start: Timestamp? = nil) async throws -> [Fill] {
        try await activity(symbol: symbol, orderID: orderID, since: start).fills
    }

    /// The fills and the funding settlements of `symbol` since `start`, all pages, oldest first.
    public func activity(
        symbol: Symbol, orderID: String? = nil, since start: Timestamp? = nil
    ) async throws -> (fills: [Fill], funding: [FundingPayment]) {
        var all: [Fill] = []
        var funding: [FundingPayment] = []
        var cursor: String?
        repeat {
            var query = [("category", "linear"), ("symbol", symbol.rawValue), ("limit", "100")]
            if let orderID { query.append(("orderId", orderID)) }
            if let start { query.append(("startTime", String(start.milliseconds))) }
            if let cursor { query.append(("cursor", cursor)) }
            let body = try await get("/v5/execution/list", query: query, signed: true)
            let page = try BybitResponse.decode(BybitExecutionsPage.self, from: Data(body)).result
            all.append(contentsOf: page.fills)
            funding.append(contentsOf: page.funding)
            cursor = page.nextPageCursor
        } while cursor != nil
        return (all.sorted { ($0.time, $0.id) < ($1.time, $1.id) }, funding.sorted { ($0.time, $0.id) < ($1.time, $1.id) })
    }

    /// The position of `symbol` (a flat row when there is none).
    public func position(symbol: Symbol) async throws -> BybitPositionRecord? {
        let query = [("category", "linear"), ("symbol", symbol.rawValue)]
        let body = try await get("/v5/position/list", query: query, signed: true)
        return try BybitResponse.decode(BybitPositionsPage.self, from: Data(body)).result.positions.first
    }

    /// Every USDT-settled position, all pages.
    public func positions() async throws -> [BybitPositionRecord] {
        var all: [BybitPositionRecord] = []
        var cursor: String?
        repeat {
            var query = [("category", "linear"), ("settleCoin", "USDT"), ("limit", "200")]
            if let cursor { query.append(("cursor", cursor)) }
            let page = try BybitResponse.decode(
                BybitPositionsPage.self, from: Data(try await get("/v5/position/list", query: query, signed: true))).result
            all.append(contentsOf: page.positions)
            cursor = page.nextPageCursor
        } while cursor != nil
        return all
    }

    /// Sets the leverage of `symbol` (both sides, one-way mode). Leverage already at `leverage`
    /// (110043) is success.
    public func setLeverage(symbol: Symbol, leverage: FixedPoint) async throws {
        if let rules = try rules(for: symbol) {
            guard rules.minLeverage <= leverage, leverage <= rules.maxLeverage else {
                throw InstrumentRuleViolation.leverageOutOfRange(
                    symbol: symbol, leverage: leverage, minLeverage: rules.minLeverage, maxLeverage: rules.maxLeverage)
            }
        }
        let body = BybitRequestBody([
            ("category", .string("linear")), ("symbol", .string(symbol.rawValue)),
            ("buyLeverage", .string(leverage.description)), ("sellLeverage", .string(leverage.description)),
        ])
        do {
            try BybitResponse.check(Data(try await post("/v5/position/set-leverage", body: body)))
        } catch let error as BybitError where error.isLeverageUnchanged {
            return
        }
    }

    /// Sets the take-profit, stop-loss and trailing stop of `symbol`'s whole position.
    public func setTradingStop(symbol: Symbol, _ stop: BybitTradingStop) async throws {
        var body = BybitRequestBody([
            ("category", .string("linear")), ("symbol", .string(symbol.rawValue)),
            ("tpslMode", .string("Full")), ("positionIdx", .integer(0)),
        ])
        body.append("takeProfit", ifPresent: stop.takeProfit?.description)
        body.append("stopLoss", ifPresent: stop.stopLoss?.description)
        body.append("trailingStop", ifPresent: stop.trailingStop?.description)
        body.append("activePrice", ifPresent: stop.activePrice?.description)
        if stop.takeProfit != nil { body.append("tpTriggerBy", .string(stop.triggerBy.rawValue)) }
        if stop.stopLoss != nil { body.append("slTriggerBy", .string(stop.triggerBy.rawValue)) }
        try BybitResponse.check(Data(try await post("/v5/position/trading-stop", body: body)))
    }

    /// The unified account's balances (optionally one coin).
    public func walletBalance(coin: String? = nil) async throws -> BybitWalletBalance {
        var query = [("accountType", "UNIFIED")]
        if let coin { query.append(("coin", coin)) }
        let result = try BybitResponse.decode(
            BybitWalletResult.self, from: Data(try await get("/v5/account/wallet-balance", query: query, signed: true))).result
        guard let account = result.list.first else {
            throw BybitDecodingError(.missingField, field: "result.list[0]")
        }
        return account
    }

    /// What the configured key may do.
    public func apiKeyInfo() async throws -> BybitAPIKeyInfo {
        try BybitResponse.decode(BybitAPIKeyInfo.self, from: Data(try await get("/v5/user/query-api", query: [], signed: true))).result
    }
}
