import Core

/// What to do with an open venue order Keel did not place (e.g. placed by hand).
public enum OrphanPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Record it and alert; leave it working.
    case report
    /// Record it as Keel's, so its fills and state are followed from now on.
    case adopt
    /// Cancel it on the venue.
    case cancel
}

/// An open order on the venue, as reconciliation compares it.
public struct VenueOpenOrder: Sendable, Hashable {
    public let venueOrderID: String
    /// Empty for orders placed without one (by hand, or the venue's own TP/SL orders).
    public let clientOrderID: String
    public let symbol: Symbol
    public let side: Side
    public let quantity: Quantity
    public let reduceOnly: Bool

    public init(venueOrderID: String, clientOrderID: String, symbol: Symbol, side: Side, quantity: Quantity, reduceOnly: Bool) {
        self.venueOrderID = venueOrderID
        self.clientOrderID = clientOrderID
        self.symbol = symbol
        self.side = side
        self.quantity = quantity
        self.reduceOnly = reduceOnly
    }
}

/// A difference between Keel's records and the venue, found by reconciliation. The venue is
/// the truth for what exists: each is repaired from it, recorded and alerted.
public enum Discrepancy: Sendable, Hashable {
    /// An open venue order with no record in Keel.
    case unknownOrder(VenueOpenOrder)
    /// The position Keel's recorded fills add up to differs from the venue's (fills Keel never
    /// saw: a trade by hand, an adjustment).
    case positionDiffers(symbol: Symbol, recorded: String, venue: String)

    public var kind: String {
        switch self {
        case .unknownOrder: "unknown_venue_order"
        case .positionDiffers: "position_differs"
        }
    }

    public var symbol: Symbol {
        switch self {
        case .unknownOrder(let order): order.symbol
        case .positionDiffers(let symbol, _, _): symbol
        }
    }

    public var detail: String {
        switch self {
        case .unknownOrder(let order):
            "venue order \(order.venueOrderID) (\(order.clientOrderID.isEmpty ? "no client id" : order.clientOrderID)): "
                + "\(order.side) \(order.quantity)\(order.reduceOnly ? " reduce-only" : "") that Keel did not place"
        case .positionDiffers(_, let recorded, let venue): "Keel's fills add up to \(recorded), the venue has \(venue)"
        }
    }
}

/// Reconciliation's comparisons, free of I/O.
public enum Reconciliation {
    /// Open venue orders whose client order id Keel has no record of. Orders without a client id
    /// that are reduce-only belong to the venue's own position TP/SL and are not orphans.
    public static func unknownOrders(_ venue: [VenueOpenOrder], isKnown: (VenueOpenOrder) -> Bool) -> [Discrepancy] {
        venue.filter { !isKnown($0) && !($0.clientOrderID.isEmpty && $0.reduceOnly) }.map(Discrepancy.unknownOrder)
    }

    /// How the venue's position differs from what Keel's recorded fills add up to; nil when
    /// they agree.
    public static func positionDifference(recorded: PositionAccount, venue: Position) -> Discrepancy? {
        guard recorded.side != venue.side || recorded.size != venue.size else { return nil }
        let fills = recorded.side.map { "\($0 == .buy ? "long" : "short") \(recorded.size)" } ?? "flat"
        let actual = venue.side.map { "\($0 == .buy ? "long" : "short") \(venue.size)" } ?? "flat"
        return .positionDiffers(symbol: venue.symbol, recorded: fills, venue: actual)
    }
}
