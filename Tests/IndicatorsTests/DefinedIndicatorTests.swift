import Foundation
import Indicators
import Testing

/// Indicators TA-Lib does not define, against cases computed by hand from their documented
/// definitions.
@Suite("Indicators without a TA-Lib reference")
struct DefinedIndicatorTests {
    static let hour: Int64 = 3_600_000

    static func bar(at time: Int64, high: Double, low: Double, close: Double, volume: Double) -> PriceBar {
        PriceBar(openTime: time, open: close, high: high, low: low, close: close, volume: volume)
    }

    @Test("VWAP accumulates typical price × volume within a session and restarts with the next")
    func vwapSessions() {
        let day = VWAP.day
        let bars = [
            Self.bar(at: 0, high: 11, low: 9, close: 10, volume: 2),  // tp 10
            Self.bar(at: Self.hour, high: 13, low: 11, close: 12, volume: 1),  // tp 12 → 32/3
            Self.bar(at: day, high: 21, low: 19, close: 20, volume: 0),  // new day, no volume yet
            Self.bar(at: day + Self.hour, high: 31, low: 29, close: 30, volume: 1),
        ]
        #expect(VWAP().values(over: bars) == [10, 32.0 / 3, nil, 30])
    }

    @Test("an anchor offset moves the session boundary, before the epoch too")
    func vwapAnchor() {
        let eight = 8 * Self.hour
        var vwap = VWAP(anchorOffsetMilliseconds: eight)
        #expect(vwap.update(Self.bar(at: -Self.hour, high: 10, low: 10, close: 10, volume: 1)) == 10)
        // 07:00 belongs to the session that began at 08:00 the day before…
        #expect(vwap.update(Self.bar(at: 7 * Self.hour, high: 20, low: 20, close: 20, volume: 1)) == 15)
        // …and 08:00 starts the next.
        #expect(vwap.update(Self.bar(at: eight, high: 40, low: 40, close: 40, volume: 1)) == 40)
    }

    @Test("Ichimoku's lines by hand, with the cloud at a bar taken from the spans computed 2 bars earlier")
    func ichimoku() {
        // high = 10 + i, low = i, close = i + 5: the midpoint of the last p bars is (2i + 11 − p) / 2.
        let bars = (0..<7).map { i in
            PriceBar(openTime: Int64(i), open: Double(i) + 5, high: 10 + Double(i), low: Double(i), close: Double(i) + 5, volume: 1)
        }
        let values = Ichimoku(conversion: 2, base: 3, spanB: 4, displacement: 2).values(over: bars)
        #expect(values[..<5].allSatisfy { $0 == nil })
        let first = values[5]
        #expect(first?.tenkan == 9.5)
        #expect(first?.kijun == 9)
        #expect(first?.senkouA == 7.25, "(tenkan + kijun) / 2 of bar 3: (7.5 + 7) / 2")
        #expect(first?.senkouB == 6.5, "the 4-bar midpoint of bar 3")
        #expect(first?.leadingA == 9.25)
        #expect(first?.leadingB == 8.5)
        #expect(first?.chikou == 10)
        #expect(first?.chikouReference == 8)
        #expect(values[6]?.senkouA == 8.25)
        // With span B shorter than the base line, the cloud still waits for the base line's
        // window to be full `displacement` bars back (bar 3 here), not for span B's.
        let shortSpanB = Ichimoku(conversion: 2, base: 4, spanB: 3, displacement: 2).values(over: bars)
        #expect(shortSpanB[..<5].allSatisfy { $0 == nil })
        #expect(shortSpanB[5]?.senkouA == 7, "(tenkan + kijun) / 2 of bar 3: (7.5 + 6.5) / 2")
        #expect(shortSpanB[5]?.senkouB == 7, "the 3-bar midpoint of bar 3")
    }

    @Test("the volume profile's point of control and value area over a sliding window")
    func volumeProfile() {
        func at(_ price: Double, volume: Double) -> PriceBar { Self.bar(at: 0, high: price, low: price, close: price, volume: volume) }
        var profile = VolumeProfile(window: 3, bucketSize: 10, valueAreaShare: 0.7)
        profile.update(at(101, volume: 5))
        profile.update(at(115, volume: 2))
        let three = profile.update(at(95, volume: 1))
        // 8 in all; 70 % is 5.6: the POC's 5, then the larger neighbour above (2).
        #expect(three == VolumeProfileValue(pointOfControl: 105, valueAreaLow: 100, valueAreaHigh: 120, volume: 8))
        // The first bar leaves the window: bucket 110–120 now holds 6 of 7.
        let four = profile.update(at(117, volume: 4))
        #expect(four == VolumeProfileValue(pointOfControl: 115, valueAreaLow: 110, valueAreaHigh: 120, volume: 7))
        // A negative volume (a bar built by hand; candles are checked) counts as none: the
        // window is 95 (1), 117 (4) and 96 (none), and 90–100 is still below 110–120.
        let five = profile.update(at(96, volume: -3))
        #expect(five == VolumeProfileValue(pointOfControl: 115, valueAreaLow: 110, valueAreaHigh: 120, volume: 5))
        let six = profile.update(at(93, volume: -0.0))
        #expect(six == VolumeProfileValue(pointOfControl: 115, valueAreaLow: 110, valueAreaHigh: 120, volume: 4))
    }

    @Test("order-book imbalance per update, its EMA and the mid")
    func imbalance() {
        var imbalance = OrderBookImbalance(smoothing: 2)
        let first = imbalance.update(BookTop(bidPrice: 99, bidSize: 3, askPrice: 101, askSize: 1))
        #expect(first == ImbalanceValue(imbalance: 0.5, smoothed: nil, mid: 100))
        let second = imbalance.update(BookTop(bidPrice: 100, bidSize: 1, askPrice: 102, askSize: 3))
        #expect(second == ImbalanceValue(imbalance: -0.5, smoothed: 0, mid: 101))
        #expect(imbalance.update(BookTop(bidPrice: 100, bidSize: 0, askPrice: 102, askSize: 0))?.imbalance == 0)
    }

    @Test("realised volatility is the deviation of log returns; the z-score is in standard deviations")
    func volatilityAndZScore() {
        let volatility = RollingVolatility(period: 2).values(over: [100, 110, 121, 110])
        #expect(volatility[..<2].allSatisfy { $0 == nil })
        #expect(volatility[2] == 0, "two equal returns")
        #expect(nearlyEqual(volatility[3], log(1.1)), "returns ±ln 1.1")
        let zScores = ZScore(period: 3).values(over: [1, 2, 3, 5, 5, 5])
        #expect(zScores[..<2].allSatisfy { $0 == nil })
        #expect(nearlyEqual(zScores[2], 1.5.squareRoot(), tolerance: 1e-9))
        #expect(zScores[5] == 0, "a flat window")
    }

    @Test("swings become levels only once confirmed, clustered within the tolerance")
    func supportResistance() {
        let highs = [10, 12, 11, 13, 11, 12.05, 10]
        let bars = highs.enumerated().map { index, high in
            Self.bar(at: Int64(index), high: high, low: high - 1, close: index == 6 ? 11.5 : high - 0.5, volume: 1)
        }
        var indicator = SupportResistance(strength: 1, window: 100, tolerance: 0.01)
        for bar in bars[...5] { indicator.update(bar) }
        // Bar 5 confirms the swing low of bar 4 but cannot know yet that bar 5's high is a swing.
        #expect(indicator.levels.map(\.price) == [10, 12, 13])
        let value = indicator.update(bars[6])
        let last = try! #require(value)
        #expect(indicator.levels.map(\.price) == [10, 12.025, 13])
        #expect(indicator.levels.map(\.touches) == [2, 2, 1])
        #expect(last.support?.price == 10)
        #expect(last.resistance?.price == 12.025)
    }

    @Test("every one of them continues the same after a snapshot and restore")
    func snapshots() throws {
        let series = bars(closes: randomWalk(count: 300), range: 1.5)
        try expectRestoreContinues(VWAP(sessionMilliseconds: 3_600_000), over: series, split: 137)
        try expectRestoreContinues(Ichimoku(), over: series, split: 137)
        try expectRestoreContinues(VolumeProfile(window: 50, bucketSize: 0.5), over: series, split: 137)
        try expectRestoreContinues(SupportResistance(), over: series, split: 137)
        try expectRestoreContinues(RollingVolatility(), over: series.map(\.close), split: 137)
        try expectRestoreContinues(ZScore(), over: series.map(\.close), split: 137)
        try expectRestoreContinues(SMA(period: 20), over: series.map(\.close), split: 137)
        try expectRestoreContinues(WMA(period: 20), over: series.map(\.close), split: 137)
        try expectRestoreContinues(BollingerBands(), over: series.map(\.close), split: 137)
        try expectRestoreContinues(Stochastic(), over: series, split: 137)
        try expectRestoreContinues(DirectionalMovement(), over: series, split: 137)
        try expectRestoreContinues(OBV(), over: series, split: 137)
        try expectRestoreContinues(Correlation(), over: series.map { Correlation.Pair($0.high, $0.close) }, split: 137)
    }

    /// The volume profile and support/resistance reach their buffers by pointer, so a snapshot
    /// that does not fit its settings is refused when decoded, with what is wrong.
    @Test("a damaged volume profile or support/resistance snapshot is refused with its reason")
    func damagedSnapshots() throws {
        let series = bars(closes: randomWalk(count: 300), range: 1.5)
        var profile = VolumeProfile(window: 50, bucketSize: 0.5)
        var levels = SupportResistance()
        for bar in series {
            profile.update(bar)
            levels.update(bar)
        }
        try expectRefused(profile, "volume profile buffer holds") { $0["storage"] = Array(($0["storage"] as! [Any]).dropLast()) }
        try expectRefused(profile, "volume profile counts do not fit") { $0["tally"] = ["next": 50, "bars": 50, "occupied": 3, "pointOfControl": 0, "total": 1.0] }
        try expectRefused(profile, "invalid volume profile settings") { $0["bucketSize"] = 0 }
        try expectRefused(profile, "lacks its sentinels") {
            var storage = $0["storage"] as! [Any]
            storage[storage.count - 1] = 5.0
            $0["storage"] = storage
        }
        try expectRefused(levels, "support/resistance buffer holds") { $0["storage"] = Array(($0["storage"] as! [Any]).dropLast()) }
        try expectRefused(levels, "support/resistance counts do not fit") { $0["tally"] = damaged($0["tally"], "swingCount", 100_000) }
        try expectRefused(levels, "support/resistance counts do not fit") { $0["tally"] = damaged($0["tally"], "levelCount", 0) }
        try expectRefused(levels, "invalid support/resistance settings") { $0["strength"] = 0 }
    }

    private func damaged(_ tally: Any?, _ key: String, _ value: Int) -> [String: Any] {
        var tally = tally as! [String: Any]
        tally[key] = value
        return tally
    }

    private func expectRefused<I: Indicator>(_ indicator: I, _ reason: String, damage: (inout [String: Any]) -> Void) throws {
        var snapshot = try JSONSerialization.jsonObject(with: JSONEncoder().encode(indicator)) as! [String: Any]
        damage(&snapshot)
        let data = try JSONSerialization.data(withJSONObject: snapshot)
        let error = #expect(throws: DecodingError.self) { try JSONDecoder().decode(I.self, from: data) }
        guard case .dataCorrupted(let context) = error else {
            Issue.record("expected a data-corrupted error, got \(String(describing: error))")
            return
        }
        #expect(context.debugDescription.contains(reason), "\(context.debugDescription)")
    }
}

/// The window extremes behind the stochastic (and Ichimoku) against a brute-force scan, on
/// prices full of ties and long rising and falling runs, across block boundaries of every phase.
@Suite("Rolling extremes")
struct RollingRangeTests {
    @Test("fast %K equals the definition over every window", arguments: [1, 2, 5, 8, 9, 14, 52])
    func fastK(period: Int) {
        let steps = [0, 0, 1, 1, 1, -1, 2, 0, -3, -3, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, 0, 2]
        var level = 100.0
        let bars = (0..<600).map { index -> PriceBar in
            level += Double(steps[(index * 7 + index / 50) % steps.count])
            return PriceBar(openTime: Int64(index), open: level, high: level + Double(index % 3), low: level - Double(index % 2), close: level, volume: 1)
        }
        var stochastic = Stochastic(kPeriod: period, kSmoothing: 1, dPeriod: 1)
        for (index, bar) in bars.enumerated() {
            let k = stochastic.update(bar)?.k
            guard index >= period - 1 else {
                #expect(k == nil)
                continue
            }
            let window = bars[(index + 1 - period)...index]
            let highest = window.map(\.high).max()!, lowest = window.map(\.low).min()!
            let range = (highest - lowest) / 100
            #expect(k == (range != 0 ? (bar.close - lowest) / range : 0), "bar \(index)")
        }
    }
}
