import Core

/// The public trades seen during one bar, to check the venue's closed candle against: every
/// trade lies within the candle's range, and their volume adds up to the candle's.
public struct TradeTally: Sendable, Hashable {
    public private(set) var high: Price?
    public private(set) var low: Price?
    public private(set) var volume: Quantity = .zero

    public init() {}

    public mutating func add(_ trade: Trade) throws {
        high = max(high ?? trade.price, trade.price)
        low = min(low ?? trade.price, trade.price)
        volume = try volume + trade.quantity
    }

    /// What disagrees between `candle` and these trades, if anything. Volume may differ by
    /// `volumeTolerance` (a fraction of the candle's) for trades the venue rounds or batches.
    public func disagreements(with candle: Candle, volumeTolerance: FixedPoint) throws -> [String] {
        var found: [String] = []
        if let high, high > candle.high { found.append("a trade at \(high) is above the candle's high \(candle.high)") }
        if let low, low < candle.low { found.append("a trade at \(low) is below the candle's low \(candle.low)") }
        let allowed = try candle.volume.value.multiplied(by: volumeTolerance)
        let difference = try volume.value - candle.volume.value
        let magnitude = difference.isNegative ? try difference.negated() : difference
        if magnitude > allowed {
            found.append("trades add up to \(volume), the candle says \(candle.volume)")
        }
        return found
    }
}
