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
    /// The recent bars, the window's swings and their levels in one buffer laid out by `Layout`,
    /// so an update checks the buffer's uniqueness once and reaches everything by pointer.
    private var storage: [Double]
    private var tally = Tally()

    /// `strength` ≥ 1, `window` > 2·strength (and below 2²⁴ bars), `tolerance` ≥ 0.
    public init(strength: Int = 3, window: Int = 200, tolerance: Double = 0.003) {
        precondition(Self.areValid(strength: strength, window: window, tolerance: tolerance), "invalid support/resistance settings")
        self.strength = strength
        self.window = window
        self.tolerance = tolerance
        storage = Array(repeating: 0, count: Layout(strength: strength, window: window).count)
    }

    private static func areValid(strength: Int, window: Int, tolerance: Double) -> Bool {
        strength >= 1 && window > 2 * strength && window < 1 << 24 && tolerance >= 0 && tolerance.isFinite
    }

    /// Restores a snapshot, refusing one whose buffer does not fit its settings or whose
    /// counts point outside it: updates reach the buffer by pointer, so a damaged snapshot must
    /// fail here rather than write out of bounds later.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        strength = try container.decode(Int.self, forKey: .strength)
        window = try container.decode(Int.self, forKey: .window)
        tolerance = try container.decode(Double.self, forKey: .tolerance)
        storage = try container.decode([Double].self, forKey: .storage)
        tally = try container.decode(Tally.self, forKey: .tally)
        guard Self.areValid(strength: strength, window: window, tolerance: tolerance) else {
            throw DecodingError.dataCorruptedError(
                forKey: .strength, in: container,
                debugDescription: "invalid support/resistance settings: strength \(strength), window \(window), tolerance \(tolerance)")
        }
        let layout = Layout(strength: strength, window: window)
        guard storage.count == layout.count else {
            throw DecodingError.dataCorruptedError(
                forKey: .storage, in: container,
                debugDescription: "support/resistance buffer holds \(storage.count) values, its settings lay out \(layout.count)")
        }
        let levelTouches = (0..<Swift.max(0, Swift.min(tally.levelCount, layout.swingCapacity))).map {
            SwingBook.integer(storage[layout.levels + Layout.levelWidth * $0 + 1])
        }
        guard tally.bars >= 0, (0..<layout.span).contains(tally.recentNext), (0...layout.swingCapacity).contains(tally.swingCount),
            (0..<layout.swingCapacity).contains(tally.oldestAge), (0...tally.swingCount).contains(tally.levelCount),
            tally.split >= 0, levelTouches.allSatisfy({ (1...tally.swingCount).contains($0) }),
            levelTouches.reduce(0, +) == tally.swingCount
        else {
            throw DecodingError.dataCorruptedError(
                forKey: .tally, in: container, debugDescription: "support/resistance counts do not fit the buffer: \(tally)")
        }
    }

    /// Every level as of the latest bar (the clusters of the window's swings), lowest first,
    /// kept up to date as swings come and go.
    public var levels: [PriceLevel] {
        let layout = Layout(strength: strength, window: window), count = tally.levelCount
        return storage.withUnsafeBufferPointer { buffer in
            (0..<count).map { SwingBook.level(at: buffer.baseAddress! + layout.levels + Layout.levelWidth * $0) }
        }
    }

    /// The nearest levels around the bar's close (every level is in `levels`).
    @discardableResult
    public mutating func update(_ bar: PriceBar) -> SupportResistanceValue? {
        let layout = Layout(strength: strength, window: window), tolerance = tolerance
        var tally = tally
        let value = storage.withUnsafeMutableBufferPointer { buffer in
            let book = SwingBook(base: buffer.baseAddress!, layout: layout, tolerance: tolerance)
            book.add(bar, tally: &tally)
            return book.nearest(to: bar.close, tally: &tally)
        }
        self.tally = tally
        return value
    }
}

extension SupportResistance {
    /// Where things are in `storage`:
    /// - the last `span` bars (the candidate swing and `strength` bars each side): their highs,
    ///   then their lows, then their open times, each a `plane`. A bar is written twice, at its
    ///   slot and `span` after it, so the latest `span` bars are always one contiguous run (from
    ///   the slot after the latest's) and no index wraps; the swing test reads them four at a
    ///   time, up to three slots past the run;
    /// - the window's confirmed swings in price order (the order clustering reads them in): their
    ///   prices, open times and running sums (of their level's prices up to and including
    ///   theirs, as clustering adds them), each a plane with room for `padding` more (searches
    ///   and shifts go four at a time, and a shift up may write four past the last swing);
    /// - the same swings in the order they were confirmed (bar order), a ring, so the oldest is
    ///   the first to leave;
    /// - the levels (the clusters of those swings), lowest first, as `price, touches, lastTouch`
    ///   triples;
    /// - room for the levels a re-clustering builds.
    /// A window holds at most two swings a bar (a high and a low), hence `swingCapacity`. (A
    /// tighter bound exists, as swing highs are more than `strength` bars apart; a buffer laid
    /// out on it measured about a tenth slower, so the room is kept.)
    struct Layout {
        static let ageWidth = 2, levelWidth = 3, padding = 4
        let strength: Int
        let window: Int
        // Wrapping arithmetic: `init` bounds the window (and so the strength), so nothing here
        // overflows, and every update lays the buffer out afresh.
        var span: Int { 2 &* strength &+ 1 }
        var plane: Int { 2 &* span &+ 3 }
        var swingCapacity: Int { 2 &* window }
        var highs: Int { 0 }
        var lows: Int { plane }
        var times: Int { 2 &* plane }
        var swingPlane: Int { swingCapacity &+ Self.padding }
        var swingPrices: Int { 3 &* plane }
        var swingTimes: Int { swingPrices &+ swingPlane }
        var swingSums: Int { swingTimes &+ swingPlane }
        var ages: Int { swingSums &+ swingPlane }
        var levels: Int { ages &+ swingCapacity &* Self.ageWidth }
        var rebuilt: Int { levels &+ (swingCapacity &+ 1) &* Self.levelWidth }
        var count: Int { rebuilt &+ (swingCapacity &+ 1) &* Self.levelWidth }
    }

    /// The scalar state beside the buffer.
    struct Tally: Sendable, Hashable, Codable {
        var bars = 0
        /// The slot the next bar goes to in the recent-bar ring.
        var recentNext = 0
        /// Swings in the window; the age ring's oldest entry.
        var swingCount = 0
        var oldestAge = 0
        var levelCount = 0
        /// The index of the first level at or above the last close.
        var split = 0
    }

    /// A confirmed swing: its bar's number, price and open time.
    struct Swing {
        let bar: Int, price: Double, time: Int64
    }

    /// The buffer's parts, for one update.
    struct SwingBook {
        let highs: UnsafeMutablePointer<Double>
        let lows: UnsafeMutablePointer<Double>
        let times: UnsafeMutablePointer<Double>
        /// The swings' prices, times and running sums, in price order (equal prices in the order
        /// confirmed).
        let swingPrices: UnsafeMutablePointer<Double>
        let swingTimes: UnsafeMutablePointer<Double>
        let swingSums: UnsafeMutablePointer<Double>
        /// `bar, price` pairs in a ring, oldest at `Tally.oldestAge`.
        let ages: UnsafeMutablePointer<Double>
        /// `price, touches, lastTouch` triples: the levels, and those a re-clustering builds.
        let levels: UnsafeMutablePointer<Double>
        let rebuilt: UnsafeMutablePointer<Double>
        let strength: Int
        let span: Int
        let window: Int
        let capacity: Int
        let tolerance: Double

        @inline(__always)
        init(base: UnsafeMutablePointer<Double>, layout: Layout, tolerance: Double) {
            highs = base + layout.highs
            lows = base + layout.lows
            times = base + layout.times
            swingPrices = base + layout.swingPrices
            swingTimes = base + layout.swingTimes
            swingSums = base + layout.swingSums
            ages = base + layout.ages
            levels = base + layout.levels
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
        func add(_ bar: PriceBar, tally: inout Tally) {
            tally.bars += 1
            let slot = tally.recentNext
            if tally.bars >= span {
                // The latest `span` bars start at the slot after this one's; the candidate is the
                // middle one. This bar is compared from its fields and written only afterwards: a
                // wide read of a slot just written would wait for the write to reach the cache.
                let first = slot + 1, candidate = first + strength, candidateBar = tally.bars - 1 - strength
                let high = isSwing(highs + first, newest: bar.high, beyond: .>, >)
                let low = isSwing(lows + first, newest: bar.low, beyond: .<, <)
                if high || low {
                    let time = Self.time(times[candidate])
                    if high { insert(Swing(bar: candidateBar, price: highs[candidate], time: time), tally: &tally) }
                    if low { insert(Swing(bar: candidateBar, price: lows[candidate], time: time), tally: &tally) }
                }
            }
            write(bar, at: slot)
            write(bar, at: slot + span)
            tally.recentNext = slot + 1 == span ? 0 : slot + 1
            let oldest = tally.bars - window
            while tally.swingCount > 0, Self.integer(ages[Layout.ageWidth &* tally.oldestAge]) < oldest {
                let price = ages[Layout.ageWidth &* tally.oldestAge + 1]
                tally.oldestAge = tally.oldestAge + 1 == capacity ? 0 : tally.oldestAge + 1
                removeOldest(price: price, tally: &tally)
            }
        }

        /// The nearest levels around `close`. Levels are in price order: the first at or above
        /// the close splits them. Closes move little from bar to bar, so the search walks from
        /// the last bar's split.
        @inline(__always)
        func nearest(to close: Double, tally: inout Tally) -> SupportResistanceValue {
            let count = tally.levelCount
            @inline(__always) func price(_ level: Int) -> Double { levels[Layout.levelWidth * level] }
            var split = Swift.min(tally.split, count)
            while split > 0, price(split - 1) >= close { split -= 1 }
            while split < count, price(split) < close { split += 1 }
            tally.split = split
            let above = split < count && price(split) == close ? split + 1 : split
            return SupportResistanceValue(
                support: split > 0 ? Self.level(at: levels + Layout.levelWidth * (split - 1)) : nil,
                resistance: above < count ? Self.level(at: levels + Layout.levelWidth * above) : nil)
        }

        /// The level whose triple is at `entry`.
        @inline(__always)
        static func level(at entry: UnsafePointer<Double>) -> PriceLevel {
            PriceLevel(price: entry[0], touches: integer(entry[1]), lastTouch: time(entry[2]))
        }

        /// Whether the middle one of the `span` prices at `prices` is `beyond` all the others,
        /// the last of which is `newest` (not read from `prices`). All are compared, four at a
        /// time: where a bar stops being a candidate is as good as random, so a test that stops
        /// at the first failure is mispredicted most bars.
        @inline(__always)
        private func isSwing(
            _ prices: UnsafeMutablePointer<Double>, newest: Double,
            beyond: (SIMD4<Double>, SIMD4<Double>) -> SIMDMask<SIMD4<Int64>>, _ isBeyond: (Double, Double) -> Bool
        ) -> Bool {
            let price = prices[strength], candidate = SIMD4(repeating: price)
            let older = SIMD4(repeating: Int64(span - 1)), middle = SIMD4(repeating: Int64(strength))
            var lanes = SIMD4<Int64>(0, 1, 2, 3), failed = SIMD4<Int64>.zero, start = 0
            while start < span - 1 {
                let chunk = loadFour(prices + start)
                failed |= SIMD4.zero.replacing(with: 1, where: .!beyond(candidate, chunk) .& (lanes .< older) .& (lanes .!= middle))
                lanes &+= 4
                start &+= 4
            }
            return failed[0] | failed[1] | failed[2] | failed[3] == 0 && isBeyond(price, newest)
        }

        @inline(__always)
        private func write(_ bar: PriceBar, at slot: Int) {
            highs[slot] = bar.high
            lows[slot] = bar.low
            times[slot] = Self.slot(bar.openTime)
        }

        /// How many swings have a price for which `isBelow` holds (prices are in order, so this
        /// is where the first other one is), counted four at a time: swings are tens, and a
        /// count has no branch on the prices, where a bisection's steps are mispredicted about
        /// every other time.
        @inline(__always)
        private func swings(
            count: Int, where isBelow: (SIMD4<Double>) -> SIMDMask<SIMD4<Int64>>
        ) -> Int {
            var below = SIMD4<Int64>.zero
            forEachFour(swingPrices, count: count) { prices, inRange in
                below &+= SIMD4.zero.replacing(with: 1, where: isBelow(prices) .& inRange)
            }
            return Int(below.wrappedSum())
        }

        /// Moves the swings from `index` on (of `count`) one place up, four at a time from the
        /// top: the lowest four are read first and written last, as the chunks above them may
        /// overlap them. Reads and writes up to five slots past the last swing, which the
        /// padding holds (`count` is below the capacity).
        @inline(__always)
        private func shiftSwingsUp(from index: Int, count: Int) {
            let lowest = (loadFour(swingPrices + index), loadFour(swingTimes + index), loadFour(swingSums + index))
            var start = count &- 4
            while start > index {
                copyFour(from: start, to: start &+ 1)
                start &-= 4
            }
            storeFour(lowest.0, to: swingPrices + (index &+ 1))
            storeFour(lowest.1, to: swingTimes + (index &+ 1))
            storeFour(lowest.2, to: swingSums + (index &+ 1))
        }

        /// Moves the swings after `index` (of `count`) one place down, onto it, four at a time
        /// from the bottom. Reads up to three slots past the swings, and writes up to two.
        @inline(__always)
        private func shiftSwingsDown(onto index: Int, count: Int) {
            var start = index
            while start < count &- 1 {
                copyFour(from: start &+ 1, to: start)
                start &+= 4
            }
        }

        /// Copies four swings' slots, in every swing plane, from `source` to `target`.
        @inline(__always)
        private func copyFour(from source: Int, to target: Int) {
            storeFour(loadFour(swingPrices + source), to: swingPrices + target)
            storeFour(loadFour(swingTimes + source), to: swingTimes + target)
            storeFour(loadFour(swingSums + source), to: swingSums + target)
        }

        /// Inserts `swing` after every swing of a lower or equal price.
        private func insert(_ swing: Swing, tally: inout Tally) {
            precondition(tally.swingCount < capacity, "more swings than the layout's bound")
            let index = swings(count: tally.swingCount) { $0 .<= SIMD4(repeating: swing.price) }
            shiftSwingsUp(from: index, count: tally.swingCount)
            swingPrices[index] = swing.price
            swingTimes[index] = Self.slot(swing.time)
            var newest = tally.oldestAge + tally.swingCount
            if newest >= capacity { newest -= capacity }
            let age = ages + Layout.ageWidth * newest
            age[0] = Self.slot(swing.bar)
            age[1] = swing.price
            tally.swingCount += 1
            recluster(changedAt: index, inserted: true, tally: &tally)
        }

        /// Removes the oldest swing, whose price is `price`. Swings of equal price are in the
        /// order confirmed, so the oldest is the first of its price.
        private func removeOldest(price: Double, tally: inout Tally) {
            let index = swings(count: tally.swingCount) { $0 .< SIMD4(repeating: price) }
            shiftSwingsDown(onto: index, count: tally.swingCount)
            tally.swingCount -= 1
            recluster(changedAt: index, inserted: false, tally: &tally)
        }

        /// Brings `levels` up to date after the swing at `changedAt` was inserted or removed.
        /// Clustering reads swings in price order and starts a new level at a swing further than
        /// `tolerance` from the current level's mean, so the levels before the one holding the
        /// swing below the change are as they were, and once a new level starts on a swing that
        /// also started one before the change, every level from there on is as it was too. Only
        /// the levels in between are rebuilt: usually one or two.
        private func recluster(changedAt changed: Int, inserted: Bool, tally: inout Tally) {
            let levelCount = tally.levelCount
            @inline(__always) func touches(_ level: Int) -> Int { Self.integer(levels[Layout.levelWidth &* level &+ 1]) }
            // The first level that may differ: the one holding swing `changed − 1`.
            var firstRebuilt = 0, start = 0
            while firstRebuilt < levelCount, start + touches(firstRebuilt) < changed {
                start += touches(firstRebuilt)
                firstRebuilt += 1
            }
            // From `unchangedFrom` on, swing `i` is the one that was at `i + shift`.
            let unchangedFrom = inserted ? changed + 1 : changed
            let shift = inserted ? -1 : 1
            // Walks the old levels' start positions alongside the rebuild.
            var oldLevel = firstRebuilt, oldStart = start
            var built = 0, replacedEnd = levelCount
            // That level's swings before the change are clustered as they were (the same swings
            // in the same order), so the rebuild takes them as they stand and goes on from the
            // change: their running sum is kept, their latest time is found four at a time.
            var count = changed - start, sum = count > 0 ? swingSums[changed - 1] : 0
            var lastTouch = latestTime(from: start, count: count)
            for index in changed..<tally.swingCount {
                let price = swingPrices[index]
                // |price − mean| > tolerance·mean, with mean = sum / count, without the division.
                if count > 0, abs(price * Double(count) - sum) > tolerance * sum {
                    keep(sum: sum, count: count, lastTouch: lastTouch, as: built)
                    built += 1
                    count = 0
                    sum = 0
                    lastTouch = .min
                    if index >= unchangedFrom {
                        let old = index + shift
                        while oldLevel < levelCount, oldStart < old {
                            oldStart += touches(oldLevel)
                            oldLevel += 1
                        }
                        if oldStart == old {
                            replacedEnd = oldLevel
                            break
                        }
                    }
                }
                count += 1
                sum += price
                swingSums[index] = sum
                lastTouch = Swift.max(lastTouch, Self.time(swingTimes[index]))
            }
            if count > 0 {
                keep(sum: sum, count: count, lastTouch: lastTouch, as: built)
                built += 1
            }
            replace(firstRebuilt..<replacedEnd, withRebuilt: built, tally: &tally)
        }

        /// The latest time of the `count` swings from `start` (`Int64.min` for none).
        @inline(__always)
        private func latestTime(from start: Int, count: Int) -> Int64 {
            var latest = SIMD4<Int64>(repeating: .min)
            forEachFour(swingTimes + start, count: count) { times, inRange in
                latest = latest.replacing(with: pointwiseMax(latest, unsafeBitCast(times, to: SIMD4<Int64>.self)), where: inRange)
            }
            return latest.max()
        }

        @inline(__always)
        private func keep(sum: Double, count: Int, lastTouch: Int64, as level: Int) {
            let entry = rebuilt + Layout.levelWidth * level
            entry[0] = sum / Double(count)
            entry[1] = Self.slot(count)
            entry[2] = Self.slot(lastTouch)
        }

        /// Puts the `built` rebuilt levels in place of the levels in `range`, moving the levels
        /// after it when the count changed.
        private func replace(_ range: Range<Int>, withRebuilt built: Int, tally: inout Tally) {
            let width = Layout.levelWidth
            if built != range.count {
                (levels + width * (range.lowerBound + built))
                    .update(from: levels + width * range.upperBound, count: width * (tally.levelCount - range.upperBound))
                tally.levelCount += built - range.count
            }
            (levels + width * range.lowerBound).update(from: rebuilt, count: width * built)
        }

        /// A time, a bar number or a count kept in a `Double` slot by its bit pattern (exact, and
        /// without a conversion), and back.
        @inline(__always)
        private static func slot(_ time: Int64) -> Double { Double(bitPattern: UInt64(bitPattern: time)) }
        @inline(__always)
        private static func time(_ slot: Double) -> Int64 { Int64(bitPattern: slot.bitPattern) }
        @inline(__always)
        private static func slot(_ integer: Int) -> Double { slot(Int64(integer)) }
        @inline(__always)
        static func integer(_ slot: Double) -> Int { Int(time(slot)) }
    }
}
