import Core
import Exchange
import Risk

/// An approved order as the venue will see it: the order side (an exit sells a long), the
/// `orderLinkId` derived from the intent id (so a redelivered approval can never place a
/// second order), and the exchange-side protection an entry carries.
public struct VenueOrder: Sendable, Hashable {
    public let request: BybitOrderRequest
    /// Set before an entry; exits keep the position's leverage.
    public let leverage: FixedPoint?

    public init(_ order: ApprovedOrder) throws {
        let entering = order.kind == .entry
        request = try BybitOrderRequest(
            symbol: order.symbol, side: entering ? order.side : order.side.opposite, quantity: order.quantity,
            kind: .market(referencePrice: order.referencePrice), orderLinkID: Self.orderLinkID(intentID: order.intentID),
            reduceOnly: order.reduceOnly, takeProfit: entering ? order.takeProfits.first : nil,
            stopLoss: entering ? order.stopLoss : nil)
        leverage = entering ? order.leverage : nil
    }

    public init(_ approval: RiskApproval) throws {
        let intent = approval.intent
        try self.init(ApprovedOrder(
            intentID: intent.id, symbol: intent.symbol, side: intent.side, kind: intent.kind, quantity: approval.quantity,
            referencePrice: intent.referencePrice, leverage: approval.leverage, stopLoss: intent.stopLoss,
            takeProfits: intent.takeProfits.map(\.price), reduceOnly: approval.reduceOnly))
    }

    /// The venue's client order id for the order of intent `intentID`.
    public static func orderLinkID(intentID: String) throws -> String {
        try StableID.clientOrderID(parts: [intentID])
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
