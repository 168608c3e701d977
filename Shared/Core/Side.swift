/// The side of an order, fill or trade (for a trade: the taker's side).
public enum Side: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case buy
    case sell

    public var opposite: Side {
        switch self {
        case .buy: return .sell
        case .sell: return .buy
        }
    }

    public var description: String { rawValue }
}
