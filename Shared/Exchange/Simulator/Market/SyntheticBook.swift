import Core

/// The simulated order book around a last price: one level per tick on each side, the touch one
/// tick from the last price, each level deeper than the one before it (so a market order that
/// walks the book pays more the bigger it is), sizes redrawn at every book step.
enum SyntheticBook {
    /// The notional (USDT) of the first size increment; level `n` (from 0) holds `n + 1` to `n + 2` of them.
    static let levelNotional: Int64 = 5_000

    static func sides(
        instrument: SimulatedInstrument, lastTicks: Int64, depth: Int, generator: SplitMix64
    ) -> (bids: [BookLevel], asks: [BookLevel]) {
        var generator = generator
        let increment = instrument.units(worth: levelNotional, atTicks: lastTicks)
        func level(_ index: Int, at ticks: Int64) -> BookLevel {
            // `increment·(index+1) + jitter` with jitter < increment: strictly deeper away from the touch.
            let jitter = Int64(generator.next() % UInt64(increment)) / instrument.qtyStepUnits * instrument.qtyStepUnits
            return BookLevel(priceTicks: ticks, sizeUnits: increment * Int64(index + 1) + jitter)
        }
        let bidDepth = min(depth, max(0, Int(lastTicks) - 1))
        let bids = (0..<bidDepth).map { level($0, at: lastTicks - 1 - Int64($0)) }
        let asks = (0..<max(0, depth)).map { level($0, at: lastTicks + 1 + Int64($0)) }
        return (bids, asks)
    }
}
