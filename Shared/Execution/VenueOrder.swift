import Core
import Exchange
import OrderManagement
import Risk

/// An order as the venue will see it: the order side (an exit sells a long), the `orderLinkId`
/// derived from the intent (so a redelivered approval can never place a second order), and the
/// exchange-side protection an entry carries.
public struct VenueOrder: Sendable, Hashable {
    public let request: BybitOrderRequest
    /// Set before an entry; exits keep the position's leverage.
    public let leverage: FixedPoint?

    /// The order of an approval. An entry carries its stop-loss, and its take-profit when that
    /// closes the whole position (one target, or an unsized ladder whose first target then
    /// closes all of it); a ladder of sized steps is placed as reduce-only limits once the
    /// entry has filled.
    /// A limit entry is post-only when `postOnlyLimits`.
    public init(_ order: ApprovedOrder, postOnlyLimits: Bool = false) throws {
        let entering = order.kind == .entry
        let kind: BybitOrderRequest.Kind = switch (entering, order.entry) {
        case (true, .limit(let price)): .limit(price: price, timeInForce: postOnlyLimits ? .postOnly : .goodTillCancel)
        default: .market(referencePrice: order.referencePrice)
        }
        request = try BybitOrderRequest(
            symbol: order.symbol, side: entering ? order.side : order.side.opposite, quantity: order.quantity, kind: kind,
            orderLinkID: Self.orderLinkID(intentID: order.intentID), reduceOnly: order.reduceOnly,
            takeProfit: entering && !order.hasTakeProfitLadder ? order.takeProfits.first : nil, stopLoss: entering ? order.stopLoss : nil)
        leverage = entering ? order.leverage : nil
    }

    public init(_ approval: RiskApproval) throws {
        let intent = approval.intent
        try self.init(ApprovedOrder(
            intentID: intent.id, symbol: intent.symbol, side: intent.side, kind: intent.kind, quantity: approval.quantity,
            referencePrice: intent.referencePrice, leverage: approval.leverage, stopLoss: intent.stopLoss,
            takeProfits: intent.takeProfits.map(\.price), reduceOnly: approval.reduceOnly))
    }

    /// An order a trade wants (a ladder step, the market rest of an entry, a time exit);
    /// `referencePrice` bounds a market order's price check.
    public init(_ order: TradeOrder, symbol: Symbol, referencePrice: Price) throws {
        let kind: BybitOrderRequest.Kind = switch order.kind {
        case .market: .market(referencePrice: referencePrice)
        case .limit(let price, let postOnly): .limit(price: price, timeInForce: postOnly ? .postOnly : .goodTillCancel)
        }
        request = try BybitOrderRequest(
            symbol: symbol, side: order.side, quantity: order.quantity, kind: kind, orderLinkID: order.clientOrderID,
            reduceOnly: order.reduceOnly)
        leverage = nil
    }

    /// The venue's client order id for the order of intent `intentID`.
    public static func orderLinkID(intentID: String) throws -> String {
        try StableID.clientOrderID(parts: [intentID])
    }
}

extension TradePlan {
    /// The plan of an approved entry under the desk's settings and the instrument's rules.
    public init(_ order: ApprovedOrder, settings: ExecutionDesk.Settings, rules: InstrumentRules) throws {
        try self.init(order, policy: settings.policy, priceTick: rules.tickSize, quantityStep: rules.qtyStep)
    }
}

/// Places venue orders: leverage first (unchanged leverage is fine), then the order itself,
/// which the client refuses before sending if it breaks an instrument rule and never
/// duplicates (see `BybitRESTClient.createOrder`).
public struct OrderSubmitter: Sendable {
    public let client: BybitRESTClient

    public init(client: BybitRESTClient) {
        self.client = client
    }

    public func submit(_ order: VenueOrder) async throws -> BybitOrderAck {
        if let leverage = order.leverage {
            try await client.setLeverage(symbol: order.request.symbol, leverage: leverage)
        }
        return try await client.createOrder(order.request)
    }
}
