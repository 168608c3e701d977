import Core

/// The portfolio risk decides against, kept current from the position and equity snapshots
/// execution publishes. Snapshots may arrive late or twice: an older sequence (positions) or
/// an older time (equity) than the one held is ignored.
public struct PortfolioTracker: Sendable {
    private var positions: [Symbol: (position: Position, sequence: UInt64)] = [:]
    private var equity: (value: Money, time: Timestamp)?

    public init() {}

    /// Applies a position snapshot; returns false when it was older than the one held.
    @discardableResult
    public mutating func apply(_ position: Position, sequence: UInt64) -> Bool {
        if let held = positions[position.symbol], held.sequence >= sequence { return false }
        positions[position.symbol] = (position, sequence)
        return true
    }

    /// Counts an approved entry as open until execution's next snapshot of the symbol (which
    /// replaces it, whatever it says), so a second entry right behind it is refused.
    public mutating func assumeOpened(_ approval: RiskApproval) {
        let intent = approval.intent
        guard let provisional = try? Position(
            symbol: intent.symbol, side: intent.side, size: approval.quantity, averageEntryPrice: intent.referencePrice,
            realisedPnL: .zero, leverage: approval.leverage)
        else { return }
        positions[intent.symbol] = (provisional, positions[intent.symbol]?.sequence ?? 0)
    }

    @discardableResult
    public mutating func apply(equity value: Money, at time: Timestamp) -> Bool {
        if let held = equity, held.time >= time { return false }
        equity = (value, time)
        return true
    }

    /// The portfolio, or nil before any equity is known (risk cannot size without it).
    public var portfolio: Portfolio? {
        equity.map { Portfolio(equity: $0.value, positions: positions.values.map(\.position)) }
    }
}
