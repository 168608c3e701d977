/// The highest high and lowest low of the last `period` bars, in O(1) per bar with no
/// data-dependent branch (van Herk / Gil-Werman). Bars are taken in blocks of `period`: the
/// window ending at a bar is a tail of the previous block plus the head of the current one, so
/// its extremes are those of the tail (all tails worked out in one pass when a block completes)
/// combined with the running extremes of the head. A bar is kept as (high, −low), so both
/// extremes are maxima (negation is exact).
struct RollingRange: Sendable, Hashable, Codable {
    /// Below every price, and finite so that snapshots encode as JSON.
    private static let lowest = -Double.greatestFiniteMagnitude

    let period: Int
    /// The current block's bars so far, as high, −low pairs.
    private var block: [Double]
    /// Pair `k` (at `2k`, `2k + 1`): the extremes of the previous block's bars `k..<period`;
    /// pair `period` is `lowest`, for the window that is exactly the current block. All
    /// `lowest` in the first block, so a window not yet full covers every bar so far.
    private var tails: [Double]
    /// The extremes of the current block's bars so far.
    private var headHigh = RollingRange.lowest
    private var headNegatedLow = RollingRange.lowest
    /// Where the next bar goes in `block`, counted in pairs.
    private var offset = 0
    /// Whether `period` bars have been seen.
    private(set) var isFull = false

    /// `period` must be at least 1.
    init(period: Int) {
        precondition(period >= 1, "rolling range period must be at least 1")
        self.period = period
        block = Array(repeating: 0, count: 2 * period)
        tails = Array(repeating: Self.lowest, count: 2 * (period + 1))
    }

    /// Adds a bar and returns the highest high and lowest low of the last `period` bars (of
    /// all so far while fewer were seen).
    @inline(__always)
    mutating func update(high: Double, low: Double) -> (highest: Double, lowest: Double) {
        let offset = offset, negatedLow = -low
        block[2 * offset] = high
        block[2 * offset + 1] = negatedLow
        let headHigh = offset == 0 ? high : Self.larger(self.headHigh, high)
        let headNegatedLow = offset == 0 ? negatedLow : Self.larger(self.headNegatedLow, negatedLow)
        let highest = Self.larger(tails[2 * offset + 2], headHigh)
        let negatedLowest = Self.larger(tails[2 * offset + 3], headNegatedLow)
        self.headHigh = headHigh
        self.headNegatedLow = headNegatedLow
        if offset + 1 == period {
            completeBlock()
            self.offset = 0
            isFull = true
        } else {
            self.offset = offset + 1
        }
        return (highest, -negatedLowest)
    }

    @inline(__always)
    private static func larger(_ a: Double, _ b: Double) -> Double { a > b ? a : b }

    private mutating func completeBlock() {
        var high = Self.lowest, negatedLow = Self.lowest
        for index in stride(from: period - 1, through: 0, by: -1) {
            high = Self.larger(high, block[2 * index])
            negatedLow = Self.larger(negatedLow, block[2 * index + 1])
            tails[2 * index] = high
            tails[2 * index + 1] = negatedLow
        }
    }
}
