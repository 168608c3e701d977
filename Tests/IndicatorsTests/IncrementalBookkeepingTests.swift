import Indicators
import Testing

/// The indicators that keep derived state up to date instead of recomputing it every bar
/// (the volume profile's point of control, the support/resistance clusters) against a
/// recomputation from scratch over the window at every bar, on prices full of ties.
@Suite("Incremental bookkeeping against recomputation")
struct IncrementalBookkeepingTests {
    /// A walk on a 0.5 grid (so highs, lows and buckets tie often) with whole-number volumes
    /// (so running sums are exact and both sides compare equal volumes as equal).
    static let series: [PriceBar] = {
        var state: UInt64 = 7
        func next(_ bound: UInt64) -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (state >> 33) % bound
        }
        var close = 100.0
        return (0..<1500).map { index in
            close = max(10, close + Double(Int(next(9)) - 4) / 2)
            let high = close + Double(next(4)) / 2, low = close - Double(next(4)) / 2
            return PriceBar(openTime: Int64(index), open: close, high: high, low: low, close: close, volume: Double(1 + next(20)))
        }
    }()

    @Test("support/resistance levels equal clustering every swing of the window afresh", arguments: [
        (1, 30, 0.004), (3, 200, 0.003), (2, 60, 0.02), (4, 9, 0.0),
    ])
    func supportResistance(strength: Int, window: Int, tolerance: Double) {
        var indicator = SupportResistance(strength: strength, window: window, tolerance: tolerance)
        for (index, bar) in Self.series.enumerated() {
            let value = indicator.update(bar)
            let expected = Self.levels(upTo: index, strength: strength, window: window, tolerance: tolerance)
            #expect(indicator.levels == expected, "bar \(index)")
            #expect(value?.support == expected.last { $0.price < bar.close }, "bar \(index)")
            #expect(value?.resistance == expected.first { $0.price > bar.close }, "bar \(index)")
        }
    }

    @Test("the volume profile equals one built afresh from the window's bars", arguments: [(20, 1.0, 0.7), (100, 0.5, 0.7), (7, 2.0, 1.0)])
    func volumeProfile(window: Int, bucketSize: Double, share: Double) {
        var indicator = VolumeProfile(window: window, bucketSize: bucketSize, valueAreaShare: share)
        for (index, bar) in Self.series.enumerated() {
            let bars = Self.series[max(0, index + 1 - window)...index]
            #expect(indicator.update(bar) == Self.profile(of: bars, bucketSize: bucketSize, share: share), "bar \(index)")
        }
    }

    /// The documented definition, from scratch: swings confirmed by bar `last` within the
    /// window, in price order (equal prices in the order they were confirmed), clustered.
    static func levels(upTo last: Int, strength: Int, window: Int, tolerance: Double) -> [PriceLevel] {
        var swings: [(price: Double, time: Int64)] = []
        let first = max(strength, last + 1 - window)
        if last - strength >= first {
            for candidate in first...(last - strength) {
                let neighbours = (candidate - strength...candidate + strength).filter { $0 != candidate }.map { series[$0] }
                let bar = series[candidate]
                if neighbours.allSatisfy({ $0.high < bar.high }) { swings.append((bar.high, bar.openTime)) }
                if neighbours.allSatisfy({ $0.low > bar.low }) { swings.append((bar.low, bar.openTime)) }
            }
        }
        var levels: [PriceLevel] = []
        var members: [(price: Double, time: Int64)] = []
        func close() {
            guard !members.isEmpty else { return }
            let sum = members.reduce(0) { $0 + $1.price }
            levels.append(PriceLevel(price: sum / Double(members.count), touches: members.count, lastTouch: members.map(\.time).max()!))
            members = []
        }
        // A stable sort keeps equal prices in the order they were confirmed.
        for swing in swings.enumerated().sorted(by: { ($0.element.price, $0.offset) < ($1.element.price, $1.offset) }).map(\.element) {
            if !members.isEmpty {
                let mean = members.reduce(0) { $0 + $1.price } / Double(members.count)
                if abs(swing.price - mean) > tolerance * mean { close() }
            }
            members.append(swing)
        }
        close()
        return levels
    }

    /// The documented definition, from scratch over `bars`.
    static func profile(of bars: ArraySlice<PriceBar>, bucketSize: Double, share: Double) -> VolumeProfileValue? {
        var volumeByBucket: [Int: Double] = [:]
        for bar in bars { volumeByBucket[Int((bar.typicalPrice / bucketSize).rounded(.down)), default: 0] += bar.volume }
        let buckets = volumeByBucket.keys.sorted()
        let volumes = buckets.map { volumeByBucket[$0]! }
        let total = volumes.reduce(0, +)
        guard total > 0 else { return nil }
        let poc = volumes.indices.first { volumes[$0] == volumes.max()! }!
        var low = poc, high = poc, inside = volumes[poc]
        while inside < share * total, low > 0 || high < buckets.count - 1 {
            let above = high + 1 < buckets.count ? volumes[high + 1] : -1
            let below = low > 0 ? volumes[low - 1] : -1
            if above >= below {
                high += 1
                inside += above
            } else {
                low -= 1
                inside += below
            }
        }
        return VolumeProfileValue(
            pointOfControl: (Double(buckets[poc]) + 0.5) * bucketSize, valueAreaLow: Double(buckets[low]) * bucketSize,
            valueAreaHigh: Double(buckets[high] + 1) * bucketSize, volume: total)
    }
}
