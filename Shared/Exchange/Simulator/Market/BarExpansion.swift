import Core

/// Splits one bar of several minutes into deterministic one-minute bars that aggregate back to
/// it exactly: the first opens at its open, the last closes at its close, one minute reaches
/// its high and one its low, none goes beyond, and the volumes sum to its volume.
enum BarExpansion {
    static func minutes(of bar: MinuteBar, count: Int, generator: SplitMix64) -> [MinuteBar] {
        guard count > 1 else { return [bar] }
        var generator = generator
        let highMinute = Int(generator.integer(in: 0...Int64(count - 1)))
        let lowMinute = Int(generator.integer(in: 0...Int64(count - 1)))
        let range = Double(bar.high - bar.low)

        // Closes: a bridge from the open to the close, kept inside the bar's range.
        var walk = [Double](repeating: 0, count: count + 1)
        for index in 1...count { walk[index] = walk[index - 1] + generator.signedUnit() }
        var closes: [Int64] = []
        for index in 1...count {
            let fraction = Double(index) / Double(count)
            let line = Double(bar.open) + Double(bar.close - bar.open) * fraction
            let bridge = (walk[index] - walk[count] * fraction) * range / 4 / Double(count).squareRoot()
            closes.append(index == count ? bar.close : min(bar.high, max(bar.low, Int64((line + bridge).rounded()))))
        }

        var minutes: [MinuteBar] = []
        var weights: [Int64] = []
        var open = bar.open
        for (index, close) in closes.enumerated() {
            let wick = Int64((generator.unit() * range / 8).rounded())
            let high = index == highMinute ? bar.high : min(bar.high, max(open, close) + wick)
            let low = index == lowMinute ? bar.low : max(bar.low, min(open, close) - wick)
            minutes.append(MinuteBar(open: open, high: high, low: low, close: close, volume: 0))
            weights.append(1 + high - low)
            open = close
        }
        // Volume in proportion to each minute's range; the rounding remainder goes to the last.
        let totalWeight = Int128(weights.reduce(0, +))
        var assigned: Int64 = 0
        for index in minutes.indices {
            let share = index == minutes.count - 1
                ? bar.volume - assigned
                : Int64(Int128(bar.volume) * Int128(weights[index]) / totalWeight)
            minutes[index].volume = share
            assigned += share
        }
        return minutes
    }
}
