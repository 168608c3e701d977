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
    public let strength: Int
    public let window: Int
    public let tolerance: Double
    /// The recent bars and the window's swings in one buffer laid out by `Layout`, so an update
    /// checks the buffer's uniqueness once and reaches everything by pointer.
    private var storage: [Double]
    private var tally = Tally()
    /// Every level as of the latest bar (the clusters of the window's swings), lowest first,
    /// kept up to date as swings come and go.
    public private(set) var levels: [PriceLevel] = []

    /// `strength` ≥ 1, `window` > 2·strength, `tolerance` ≥ 0.
    public init(strength: Int = 3, window: Int = 200, tolerance: Double = 0.003) {
        precondition(strength >= 1 && window > 2 * strength && tolerance >= 0, "invalid support/resistance settings")
        self.strength = strength
        self.window = window
        self.tolerance = tolerance
        storage = Array(repeating: 0, count: Layout(strength: strength, window: window).count)
    }

    /// The nearest levels around the bar's close (every level is in `levels`).
    @discardableResult
    public mutating func update(_ bar: PriceBar) -> SupportResistanceValue? {
        let layout = Layout(strength: strength, window: window), tolerance = tolerance
        var tally = tally
        // Moved out (a swap, no copy): the closure may not touch `self` while `storage` is open.
        var levels: [PriceLevel] = []
        swap(&levels, &self.levels)
        let value = storage.withUnsafeMutableBufferPointer { buffer in
            let book = SwingBook(base: buffer.baseAddress!, layout: layout, tolerance: tolerance)
            book.add(bar, tally: &tally, levels: &levels)
            return book.nearest(to: bar.close, tally: &tally, levels: levels)
        }
        swap(&levels, &self.levels)
        self.tally = tally
        return value
    }
}

extension SupportResistance {
    /// Where things are in `storage`:
    /// - the last `span` bars (the candidate swing and `strength` bars each side), each written
    ///   twice, at its slot and `span` after it, so the latest `span` bars are always one
    ///   contiguous run (from the slot after the latest's) and no index wraps;
    /// - the window's confirmed swings in price order (the order clustering reads them in);
    /// - the same swings in the order they were confirmed (bar order), a ring, so the oldest is
    ///   the first to leave;
    /// - room for the levels a re-clustering builds.
    /// A window holds at most two swings a bar (a high and a low), hence `swingCapacity`. (A
    /// tighter bound exists, as swing highs are more than `strength` bars apart; a buffer laid
    /// out on it measured about a tenth slower, so the room is kept.)
    struct Layout {
        static let recentWidth = 3, swingWidth = 3, ageWidth = 2, levelWidth = 3
        let strength: Int
        let window: Int
        var span: Int { 2 * strength + 1 }
        var swingCapacity: Int { 2 * window }
        var recent: Int { 0 }
        var swings: Int { 2 * span * Self.recentWidth }
        var ages: Int { swings + swingCapacity * Self.swingWidth }
        var rebuilt: Int { ages + swingCapacity * Self.ageWidth }
        var count: Int { rebuilt + (swingCapacity + 1) * Self.levelWidth }
    }

    /// The scalar state beside the buffer.
    struct Tally: Sendable, Hashable, Codable {
        var bars = 0
        /// The slot the next bar goes to in the recent-bar ring.
        var recentNext = 0
        /// Swings in the window; the age ring's oldest entry.
        var swingCount = 0
        var oldestAge = 0
        /// The index of the first level at or above the last close.
        var split = 0
    }

    /// A confirmed swing: its bar's number, price and open time.
    struct Swing {
        let bar: Int, price: Double, time: Int64
    }

    /// The buffer's parts, for one update.
    struct SwingBook {
        let recent: UnsafeMutablePointer<Double>
        /// `price, bar, time` triples in price order (equal prices in the order confirmed).
        let swings: UnsafeMutablePointer<Double>
        /// `bar, price` pairs in a ring, oldest at `Tally.oldestAge`.
        let ages: UnsafeMutablePointer<Double>
        /// `price, touches, lastTouch` triples.
        let rebuilt: UnsafeMutablePointer<Double>
        let strength: Int
        let span: Int
        let window: Int
        let capacity: Int
        let tolerance: Double

        @inline(__always)
        init(base: UnsafeMutablePointer<Double>, layout: Layout, tolerance: Double) {
            recent = base + layout.recent
            swings = base + layout.swings
            ages = base + layout.ages
            rebuilt = base + layout.rebuilt
            strength = layout.strength
            span = layout.span
            window = layout.window
            capacity = layout.swingCapacity
            self.tolerance = tolerance
        }

        /// Takes the bar: confirms the swings of the bar `strength` back, if any, and lets go
        /// of those that have left the window.
        @inline(__always)
        func add(_ bar: PriceBar, tally: inout Tally, levels: inout [PriceLevel]) {
            tally.bars += 1
            let slot = tally.recentNext
            write(bar, at: slot)
            write(bar, at: slot + span)
            tally.recentNext = slot + 1 == span ? 0 : slot + 1
            if tally.bars >= span {
                // The latest `span` bars, oldest first; the candidate is the middle one.
                let bars = recent + (slot + 1) * Layout.recentWidth
                let candidate = bars + strength * Layout.recentWidth
                let candidateBar = tally.bars - 1 - strength
                if isSwing(of: 0, in: bars, beyond: >) {
                    insert(Swing(bar: candidateBar, price: candidate[0], time: Self.time(candidate[2])), tally: &tally, levels: &levels)
                }
                if isSwing(of: 1, in: bars, beyond: <) {
                    insert(Swing(bar: candidateBar, price: candidate[1], time: Self.time(candidate[2])), tally: &tally, levels: &levels)
                }
            }
            let oldest = tally.bars - window
            while tally.swingCount > 0, Int(ages[Layout.ageWidth * tally.oldestAge]) < oldest {
                let age = ages + Layout.ageWidth * tally.oldestAge, bar = Int(age[0]), price = age[1]
                tally.oldestAge = tally.oldestAge + 1 == capacity ? 0 : tally.oldestAge + 1
                remove(bar: bar, price: price, tally: &tally, levels: &levels)
            }
        }

        /// The nearest levels around `close`. Levels are in price order: the first at or above
        /// the close splits them. Closes move little from bar to bar, so the search walks from
        /// the last bar's split.
        @inline(__always)
        func nearest(to close: Double, tally: inout Tally, levels: [PriceLevel]) -> SupportResistanceValue {
            levels.withUnsafeBufferPointer { levels in
                var split = Swift.min(tally.split, levels.count)
                while split > 0, levels[split - 1].price >= close { split -= 1 }
                while split < levels.count, levels[split].price < close { split += 1 }
                tally.split = split
                let above = split < levels.count && levels[split].price == close ? split + 1 : split
                return SupportResistanceValue(
                    support: split > 0 ? levels[split - 1] : nil, resistance: above < levels.count ? levels[above] : nil)
            }
        }

        /// Whether the middle of the `span` bars at `bars` has a price (field `field`: 0 the
        /// high, 1 the low) `beyond` those of all the others. The nearest neighbours are
        /// compared first, so most bars fail within a comparison or two.
        @inline(__always)
        private func isSwing(of field: Int, in bars: UnsafeMutablePointer<Double>, beyond: (Double, Double) -> Bool) -> Bool {
            let width = Layout.recentWidth, price = bars[strength * width + field]
            var distance = 1
            while distance <= strength,
                beyond(price, bars[(strength - distance) * width + field]),
                beyond(price, bars[(strength + distance) * width + field])
            {
                distance += 1
            }
            return distance > strength
        }

        @inline(__always)
        private func write(_ bar: PriceBar, at slot: Int) {
            let entry = recent + slot * Layout.recentWidth
            entry[0] = bar.high
            entry[1] = bar.low
            entry[2] = Self.slot(bar.openTime)
        }

        /// The first swing whose price satisfies `isAtOrAbove`, by bisection.
        @inline(__always)
        private func firstSwing(count: Int, where isAtOrAbove: (Double) -> Bool) -> Int {
            partitionPoint(count: count) { isAtOrAbove(swings[Layout.swingWidth * $0]) }
        }

        /// Inserts `swing` after every swing of a lower or equal price.
        private func insert(_ swing: Swing, tally: inout Tally, levels: inout [PriceLevel]) {
            precondition(tally.swingCount < capacity, "more swings than the layout's bound")
            let index = firstSwing(count: tally.swingCount) { $0 > swing.price }
            let width = Layout.swingWidth, at = swings + width * index
            (at + width).update(from: at, count: width * (tally.swingCount - index))
            at[0] = swing.price
            at[1] = Double(swing.bar)
            at[2] = Self.slot(swing.time)
            var newest = tally.oldestAge + tally.swingCount
            if newest >= capacity { newest -= capacity }
            let age = ages + Layout.ageWidth * newest
            age[0] = Double(swing.bar)
            age[1] = swing.price
            tally.swingCount += 1
            recluster(changedAt: index, inserted: true, tally: tally, levels: &levels)
        }

        private func remove(bar: Int, price: Double, tally: inout Tally, levels: inout [PriceLevel]) {
            var index = firstSwing(count: tally.swingCount) { $0 >= price }
            let width = Layout.swingWidth
            while swings[width * index + 1] != Double(bar) { index += 1 }
            let at = swings + width * index
            at.update(from: at + width, count: width * (tally.swingCount - index - 1))
            tally.swingCount -= 1
            recluster(changedAt: index, inserted: false, tally: tally, levels: &levels)
        }

        /// Brings `levels` up to date after the swing at `changedAt` was inserted or removed.
        /// Clustering reads swings in price order and starts a new level at a swing further than
        /// `tolerance` from the current level's mean, so the levels before the one holding the
        /// swing below the change are as they were, and once a new level starts on a swing that
        /// also started one before the change, every level from there on is as it was too. Only
        /// the levels in between are rebuilt: usually one or two.
        private func recluster(changedAt changed: Int, inserted: Bool, tally: Tally, levels: inout [PriceLevel]) {
            let (replaced, built) = levels.withUnsafeBufferPointer { levels -> (Range<Int>, Int) in
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
                var built = 0, count = 0, sum = 0.0, lastTouch = Int64.min
                for index in start..<tally.swingCount {
                    let swing = swings + Layout.swingWidth * index, price = swing[0]
                    // |price − mean| > tolerance·mean, with mean = sum / count, without the division.
                    if count > 0, abs(price * Double(count) - sum) > tolerance * sum {
                        keep(sum: sum, count: count, lastTouch: lastTouch, as: built)
                        built += 1
                        count = 0
                        sum = 0
                        lastTouch = .min
                        if index >= unchangedFrom {
                            let old = index + shift
                            while oldLevel < levels.count, oldStart < old {
                                oldStart += levels[oldLevel].touches
                                oldLevel += 1
                            }
                            if oldStart == old { return (firstRebuilt..<oldLevel, built) }
                        }
                    }
                    count += 1
                    sum += price
                    lastTouch = Swift.max(lastTouch, Self.time(swing[2]))
                }
                if count > 0 {
                    keep(sum: sum, count: count, lastTouch: lastTouch, as: built)
                    built += 1
                }
                return (firstRebuilt..<levels.count, built)
            }
            replace(replaced, of: &levels, withRebuilt: built)
        }

        @inline(__always)
        private func keep(sum: Double, count: Int, lastTouch: Int64, as level: Int) {
            let entry = rebuilt + Layout.levelWidth * level
            entry[0] = sum / Double(count)
            entry[1] = Double(count)
            entry[2] = Self.slot(lastTouch)
        }

        private func rebuiltLevel(_ level: Int) -> PriceLevel {
            let entry = rebuilt + Layout.levelWidth * level
            return PriceLevel(price: entry[0], touches: Int(entry[1]), lastTouch: Self.time(entry[2]))
        }

        /// Puts the `built` rebuilt levels in place of `levels[range]`: written over them when
        /// the count is the same (the usual case, a swing joining or leaving a level), else
        /// spliced in.
        private func replace(_ range: Range<Int>, of levels: inout [PriceLevel], withRebuilt built: Int) {
            guard built == range.count else {
                levels.replaceSubrange(range, with: (0..<built).map(rebuiltLevel))
                return
            }
            levels.withUnsafeMutableBufferPointer { levels in
                for level in 0..<built { levels[range.lowerBound + level] = rebuiltLevel(level) }
            }
        }

        /// A time kept in a `Double` slot by its bit pattern (exact), and back.
        @inline(__always)
        private static func slot(_ time: Int64) -> Double { Double(bitPattern: UInt64(bitPattern: time)) }
        @inline(__always)
        private static func time(_ slot: Double) -> Int64 { Int64(bitPattern: slot.bitPattern) }
    }
}
