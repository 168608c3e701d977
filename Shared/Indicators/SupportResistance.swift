/// A price level where swings turned.
public struct PriceLevel: Sendable, Hashable, Codable {
    /// The mean price of the swings clustered into it.
    public let price: Double
    /// How many swings it holds.
    public let touches: Int
    /// The open time of its latest swing bar.
    public let lastTouch: Int64

    public init(price: Double, touches: Int, lastTouch: Int64) {
        self.price = price
        self.touches = touches
        self.lastTouch = lastTouch
    }
}

/// The nearest levels around a bar's close. (Every level is the indicator's `levels`, read
/// when needed: handing the whole list out with every bar would cost more than the update.)
public struct SupportResistanceValue: Sendable, Hashable, Codable {
    /// The nearest level below the close.
    public let support: PriceLevel?
    /// The nearest level above the close.
    public let resistance: PriceLevel?
}

/// Support and resistance levels. TA-Lib has none; the definition: a bar is a swing high when
/// its high is above the highs of the `strength` bars on each side (a swing low likewise for
/// lows), so a swing is known only `strength` bars after it, never earlier. Swings of the last
/// `window` bars, highs and lows alike, are clustered in price order: a swing joins the current
/// cluster while within `tolerance` (a fraction) of the cluster's mean. Each cluster is a level.
/// `levels` holds every level (none until the first swing is confirmed); each bar's value, the
/// nearest ones around its close.
public struct SupportResistance: Indicator {
    struct Swing: Sendable, Hashable, Codable {
        let bar: Int
        let price: Double
        let time: Int64
    }

    /// A bar, with the highest high and lowest low of the `strength` bars ending at it.
    private struct Recent: Sendable, Hashable, Codable {
        let bar: PriceBar
        let highest: Double
        let lowest: Double
    }

    public let strength: Int
    public let window: Int
    public let tolerance: Double
    /// The extremes of the last `strength` bars: the right-hand side of the candidate swing.
    private var rightSide: RollingRange
    /// The last `strength + 1` bars before the latest, a ring whose oldest entry is at `next`:
    /// its extremes are the left-hand side of the candidate, the entry after it the candidate.
    private var recent: [Recent] = []
    private var next = 0
    private var bars = 0
    /// The window's confirmed swings in price order (the order clustering reads them in)…
    private var swings: [Swing] = []
    /// …and in the order they were confirmed (bar order), so the oldest is the first to leave.
    /// (Those before `firstInWindow` have left; they are dropped in bulk, not one by one.)
    private var swingsByAge: [Swing] = []
    private var firstInWindow = 0
    /// Every level as of the latest bar (the clusters of the window's swings), lowest first,
    /// kept up to date as swings come and go.
    public private(set) var levels: [PriceLevel] = []
    /// The index of the first level at or above the last close.
    private var split = 0

    /// `strength` ≥ 1, `window` > 2·strength, `tolerance` ≥ 0.
    public init(strength: Int = 3, window: Int = 200, tolerance: Double = 0.003) {
        precondition(strength >= 1 && window > 2 * strength && tolerance >= 0, "invalid support/resistance settings")
        self.strength = strength
        self.window = window
        self.tolerance = tolerance
        rightSide = RollingRange(period: strength)
    }

    /// The nearest levels around the bar's close (every level is in `levels`).
    @discardableResult
    public mutating func update(_ bar: PriceBar) -> SupportResistanceValue? {
        bars += 1
        let (highest, lowest) = rightSide.update(high: bar.high, low: bar.low)
        let latest = Recent(bar: bar, highest: highest, lowest: lowest)
        if recent.count <= strength {
            recent.append(latest)
        } else {
            // The candidate is `strength` bars back, with `strength` bars on each side of it.
            let left = recent[next]
            next = next == strength ? 0 : next + 1
            let candidate = recent[next].bar
            recent[next == 0 ? strength : next - 1] = latest
            if bars > 2 * strength {
                let candidateBar = bars - 1 - strength
                if candidate.high > left.highest, candidate.high > highest {
                    insert(Swing(bar: candidateBar, price: candidate.high, time: candidate.openTime))
                }
                if candidate.low < left.lowest, candidate.low < lowest {
                    insert(Swing(bar: candidateBar, price: candidate.low, time: candidate.openTime))
                }
            }
        }
        let oldest = bars - window
        while firstInWindow < swingsByAge.count, swingsByAge[firstInWindow].bar < oldest {
            remove(swingsByAge[firstInWindow])
            firstInWindow += 1
        }
        if firstInWindow > 64, firstInWindow * 2 > swingsByAge.count {
            swingsByAge.removeFirst(firstInWindow)
            firstInWindow = 0
        }
        // Levels are in price order: the first at or above the close splits them. Closes move
        // little from bar to bar, so the search walks from the last bar's split.
        var split = min(split, levels.count)
        while split > 0, levels[split - 1].price >= bar.close { split -= 1 }
        while split < levels.count, levels[split].price < bar.close { split += 1 }
        self.split = split
        let above = split < levels.count && levels[split].price == bar.close ? split + 1 : split
        return SupportResistanceValue(
            support: split > 0 ? levels[split - 1] : nil, resistance: above < levels.count ? levels[above] : nil)
    }

    /// Inserts `swing` after every swing of a lower or equal price.
    private mutating func insert(_ swing: Swing) {
        let index = swings.partitionPoint { $0.price > swing.price }
        swings.insert(swing, at: index)
        swingsByAge.append(swing)
        recluster(changedAt: index, inserted: true)
    }

    private mutating func remove(_ swing: Swing) {
        var index = swings.partitionPoint { $0.price >= swing.price }
        while swings[index] != swing { index += 1 }
        swings.remove(at: index)
        recluster(changedAt: index, inserted: false)
    }

    /// Brings `levels` up to date after the swing at `changedAt` was inserted or removed.
    /// Clustering reads swings in price order and starts a new level at a swing further than
    /// `tolerance` from the current level's mean, so the levels before the one holding the swing
    /// below the change are as they were, and once a new level starts on a swing that also
    /// started one before the change, every level from there on is as it was too. Only the
    /// levels in between are rebuilt: usually one or two.
    private mutating func recluster(changedAt changed: Int, inserted: Bool) {
        // The first level that may differ: the one holding swing `changed − 1`.
        var firstRebuilt = 0, start = 0
        while firstRebuilt < levels.count, start + levels[firstRebuilt].touches < changed {
            start += levels[firstRebuilt].touches
            firstRebuilt += 1
        }
        // From `unchangedFrom` on, swing `i` is the one that was at `i + shift`.
        let unchangedFrom = inserted ? changed + 1 : changed
        let shift = inserted ? -1 : 1
        // Walks the old levels' start positions alongside the rebuild.
        var oldLevel = firstRebuilt, oldStart = start
        let tolerance = tolerance
        withUnsafeTemporaryAllocation(of: PriceLevel.self, capacity: swings.count - start + 1) { rebuilt in
            var built = 0
            var count = 0, sum = 0.0, lastTouch = Int64.min
            func closeLevel() {
                rebuilt.initializeElement(at: built, to: PriceLevel(price: sum / Double(count), touches: count, lastTouch: lastTouch))
                built += 1
                count = 0
                sum = 0
                lastTouch = .min
            }
            defer { rebuilt.prefix(built).deinitialize() }
            for index in start..<swings.count {
                let swing = swings[index]
                // |price − mean| > tolerance·mean, with mean = sum / count, without the division.
                if count > 0, abs(swing.price * Double(count) - sum) > tolerance * sum {
                    closeLevel()
                    if index >= unchangedFrom {
                        let old = index + shift
                        while oldLevel < levels.count, oldStart < old {
                            oldStart += levels[oldLevel].touches
                            oldLevel += 1
                        }
                        if oldStart == old {
                            replaceLevels(firstRebuilt..<oldLevel, with: UnsafeMutableBufferPointer(rebasing: rebuilt[..<built]))
                            return
                        }
                    }
                }
                count += 1
                sum += swing.price
                lastTouch = max(lastTouch, swing.time)
            }
            if count > 0 { closeLevel() }
            replaceLevels(firstRebuilt..<levels.count, with: UnsafeMutableBufferPointer(rebasing: rebuilt[..<built]))
        }
    }

    /// Puts `rebuilt` in place of `levels[range]`: written over them when the count is the
    /// same (the usual case, a swing joining or leaving a level), else spliced in.
    private mutating func replaceLevels(_ range: Range<Int>, with rebuilt: UnsafeMutableBufferPointer<PriceLevel>) {
        if range.count == rebuilt.count {
            for (offset, level) in rebuilt.enumerated() { levels[range.lowerBound + offset] = level }
        } else {
            levels.replaceSubrange(range, with: rebuilt)
        }
    }
}
