import Core
import Exchange

/// What the venue holds for the traded symbols, read before execution takes new work: open
/// orders by `orderLinkId` and the open positions, so the local records can be reconciled.
public struct VenueSnapshot: Sendable, Hashable {
    public let openOrders: [String: BybitOrderRecord]
    public let positions: [Symbol: BybitPositionRecord]

    public static func read(from client: BybitRESTClient, symbols: [Symbol]) async throws -> VenueSnapshot {
        var orders: [String: BybitOrderRecord] = [:]
        for symbol in symbols {
            for order in try await client.openOrders(symbol: symbol) { orders[order.orderLinkID] = order }
        }
        var positions: [Symbol: BybitPositionRecord] = [:]
        for position in try await client.positions() where !position.size.isZero && symbols.contains(position.symbol) {
            positions[position.symbol] = position
        }
        return VenueSnapshot(openOrders: orders, positions: positions)
    }
}
