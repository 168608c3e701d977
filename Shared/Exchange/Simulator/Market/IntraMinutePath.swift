import Core

/// The last price through one minute, at `stepMilliseconds` steps: from the bar's open to its
/// first extreme, to the other, to its close, with bounded noise between. It touches the
/// bar's high and low exactly, never leaves them, and its last step is the bar's close.
/// A bar that closes up dips first; one that closes down rallies first.
struct IntraMinutePath: Sendable {
    static let stepMilliseconds: Int64 = 250
    static let steps = Int(60_000 / stepMilliseconds)

    /// The price at each step, in ticks.
    let prices: [Int64]

    init(bar: MinuteBar, generator: SplitMix64) {
        var generator = generator
        let steps = Self.steps
        let firstExtreme = Int(generator.integer(in: 1...Int64(steps / 2)))
        let secondExtreme = Int(generator.integer(in: Int64(firstExtreme + 1)...Int64(steps - 2)))
        let (first, second) = bar.close >= bar.open ? (bar.low, bar.high) : (bar.high, bar.low)
        let waypoints = [(0, bar.open), (firstExtreme, first), (secondExtreme, second), (steps - 1, bar.close)]
        let noise = Double(bar.high - bar.low) / 6
        var prices = [Int64](repeating: bar.open, count: steps)
        for (from, to) in zip(waypoints, waypoints.dropFirst()) {
            // A random walk pinned to zero at both ends (a bridge) on top of the straight line.
            let length = to.0 - from.0
            var walk = [Double](repeating: 0, count: length + 1)
            for index in 1...length { walk[index] = walk[index - 1] + generator.signedUnit() }
            for index in 0...length {
                let fraction = Double(index) / Double(length)
                let line = Double(from.1) + Double(to.1 - from.1) * fraction
                let bridge = (walk[index] - walk[length] * fraction) * noise / Double(length).squareRoot()
                let price = Int64((line + bridge).rounded())
                prices[from.0 + index] = min(bar.high, max(bar.low, price))
            }
        }
        self.prices = prices
    }

    /// The step `offset` milliseconds into the minute falls in.
    static func step(atOffset offset: Int64) -> Int { Int(min(max(0, offset / stepMilliseconds), Int64(steps - 1))) }
}
