/// One volume profile reading.
public struct VolumeProfileValue: Sendable, Hashable, Codable {
    /// Point of control: the middle of the bucket with the most volume (the lower one on a tie).
    public let pointOfControl: Double
    /// The value area's lower and upper edges (bucket edges).
    public let valueAreaLow: Double
    public let valueAreaHigh: Double
    /// The window's total volume.
    public let volume: Double

    public init(pointOfControl: Double, valueAreaLow: Double, valueAreaHigh: Double, volume: Double) {
        self.pointOfControl = pointOfControl
        self.valueAreaLow = valueAreaLow
        self.valueAreaHigh = valueAreaHigh
        self.volume = volume
    }
}

/// Volume by price over the last `window` bars. TA-Lib has none; the definition: each bar's
/// volume goes to the price bucket (`bucketSize` wide, edges at multiples of it) holding its
/// typical price. The value area grows from the point of control one bucket at a time, taking
/// the neighbouring occupied bucket with more volume (the upper one on a tie), until it holds
/// `valueAreaShare` of the volume. A negative volume counts as none. Cost per bar: one pass
/// over the occupied buckets (tens) finds the entering and leaving bars' buckets; the point of
/// control is kept as volumes change (another pass only when its own volume falls); the value
/// area costs one step per bucket in it. nil until the window holds volume.
public struct VolumeProfile: Indicator {
    public let window: Int
    public let bucketSize: Double
    public let valueAreaShare: Double
    /// The window's bars and the occupied buckets in one buffer laid out by `Layout`, so an
    /// update checks the buffer's uniqueness once and reaches everything by pointer.
    private var storage: [Double]
    private var tally = Tally()
    public private(set) var value: VolumeProfileValue?

    /// `window` ≥ 1 (and below 2⁴⁰, so the layout's offsets cannot overflow), `bucketSize` > 0,
    /// `valueAreaShare` in 0...1.
    public init(window: Int = 100, bucketSize: Double, valueAreaShare: Double = 0.7) {
        precondition(Self.areValid(window: window, bucketSize: bucketSize, share: valueAreaShare), "invalid volume profile settings")
        self.window = window
        self.bucketSize = bucketSize
        self.valueAreaShare = valueAreaShare
        // Every volume slot past the occupied buckets (and the padding before them) holds the
        // sentinel −1: less than any volume, so the value area never grows into it.
        storage = Array(repeating: Layout.absent, count: Layout(window: window).count)
    }

    private static func areValid(window: Int, bucketSize: Double, share: Double) -> Bool {
        window >= 1 && window < 1 << 40 && bucketSize > 0 && bucketSize.isFinite && (0...1).contains(share)
    }

    /// Restores a snapshot, refusing one whose buffer does not fit its settings or whose
    /// counts point outside it: updates reach the buffer by pointer, so a damaged snapshot must
    /// fail here rather than write out of bounds later.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        window = try container.decode(Int.self, forKey: .window)
        bucketSize = try container.decode(Double.self, forKey: .bucketSize)
        valueAreaShare = try container.decode(Double.self, forKey: .valueAreaShare)
        storage = try container.decode([Double].self, forKey: .storage)
        tally = try container.decode(Tally.self, forKey: .tally)
        value = try container.decodeIfPresent(VolumeProfileValue.self, forKey: .value)
        guard Self.areValid(window: window, bucketSize: bucketSize, share: valueAreaShare) else {
            throw DecodingError.dataCorruptedError(
                forKey: .window, in: container,
                debugDescription: "invalid volume profile settings: window \(window), bucket size \(bucketSize), value area share \(valueAreaShare)")
        }
        let layout = Layout(window: window)
        guard storage.count == layout.count else {
            throw DecodingError.dataCorruptedError(
                forKey: .storage, in: container,
                debugDescription: "volume profile buffer holds \(storage.count) values, its settings lay out \(layout.count)")
        }
        guard (0..<window).contains(tally.next), (0...window).contains(tally.bars), (0...window).contains(tally.occupied),
            (0..<Swift.max(tally.occupied, 1)).contains(tally.pointOfControl), tally.total.isFinite
        else {
            throw DecodingError.dataCorruptedError(
                forKey: .tally, in: container, debugDescription: "volume profile counts do not fit the buffer: \(tally)")
        }
        // The value area walks until both sides reach a sentinel, so every slot around the
        // occupied volumes must hold one.
        let volumes = layout.volumes
        let padding = storage[(volumes - Layout.padding)..<volumes] + storage[(volumes + tally.occupied)...]
        guard padding.allSatisfy({ $0 == Layout.absent }) else {
            throw DecodingError.dataCorruptedError(
                forKey: .storage, in: container, debugDescription: "volume profile buffer lacks its sentinels past the occupied buckets")
        }
    }

    @discardableResult
    public mutating func update(_ bar: PriceBar) -> VolumeProfileValue? {
        let bucket = (bar.typicalPrice / bucketSize).rounded(.down)
        // Candles are checked, but a bar built by hand could say −0 or worse; the bookkeeping
        // relies on volumes' bit patterns ordering as the volumes do.
        let volume = bar.volume > 0 ? bar.volume : 0
        let layout = Layout(window: window), share = valueAreaShare, bucketSize = bucketSize
        var tally = tally
        value = storage.withUnsafeMutableBufferPointer { buffer in
            let profile = Buffers(base: buffer.baseAddress!, layout: layout)
            guard let (leavingBucket, leavingVolume) = profile.enter(bucket: bucket, volume: volume, tally: &tally) else {
                profile.add(volume, to: bucket, at: profile.positions(of: bucket, bucket, tally: tally).0, tally: &tally)
                return profile.value(share: share, bucketSize: bucketSize, tally: tally)
            }
            // Both buckets are found in one pass, before the leaving bar's volume is taken out;
            // if that empties a bucket below the entering one, the entering one's place moves down.
            let (leavingIndex, enteringIndex) = profile.positions(of: leavingBucket, bucket, tally: tally)
            let dropped = profile.remove(leavingVolume, from: leavingBucket, at: leavingIndex, tally: &tally)
            profile.add(volume, to: bucket, at: dropped && leavingIndex < enteringIndex ? enteringIndex - 1 : enteringIndex, tally: &tally)
            return profile.value(share: share, bucketSize: bucketSize, tally: tally)
        }
        self.tally = tally
        return value
    }
}

extension VolumeProfile {
    /// Where things are in `storage`: the window's bars as (bucket, volume) pairs in a ring, then
    /// the occupied buckets in ascending order, then their volumes (parallel to the buckets,
    /// with `padding` sentinels on each side, so the value area reads past either end freely).
    /// Buckets are at most `window`, so `positions` can read `padding` slots past them.
    struct Layout {
        static let absent = -1.0
        static let padding = 3
        let window: Int
        var buckets: Int { 2 * window }
        var volumes: Int { 3 * window + Self.padding }
        var count: Int { 4 * window + 2 * Self.padding }
    }

    /// The scalar state beside the buffer.
    struct Tally: Sendable, Hashable, Codable {
        /// The ring slot the next bar goes to, and how many bars the ring holds.
        var next = 0
        var bars = 0
        /// How many buckets are occupied.
        var occupied = 0
        /// Index of the point of control among them (the lowest of equal maxima).
        var pointOfControl = 0
        var total = 0.0
    }

    /// The buffer's parts, for one update.
    struct Buffers {
        let ring: UnsafeMutablePointer<Double>
        let buckets: UnsafeMutablePointer<Double>
        let volumes: UnsafeMutablePointer<Double>
        let window: Int

        init(base: UnsafeMutablePointer<Double>, layout: Layout) {
            ring = base
            buckets = base + layout.buckets
            volumes = base + layout.volumes
            window = layout.window
        }

        /// Puts the bar in the ring; returns the bar it pushed out of the window, if any.
        @inline(__always)
        func enter(bucket: Double, volume: Double, tally: inout Tally) -> (bucket: Double, volume: Double)? {
            let slot = 2 * tally.next
            let leaving = tally.bars == window ? (ring[slot], ring[slot + 1]) : nil
            ring[slot] = bucket
            ring[slot + 1] = volume
            tally.next = tally.next + 1 == window ? 0 : tally.next + 1
            tally.bars = Swift.min(tally.bars + 1, window)
            return leaving
        }

        /// Takes `volume` out of `bucket`, whose place among the occupied buckets is `index`;
        /// returns whether that emptied the bucket, which is then dropped.
        @inline(__always)
        func remove(_ volume: Double, from bucket: Double, at index: Int, tally: inout Tally) -> Bool {
            tally.total -= volume
            // A bucket whose bars had (next to) no volume may have been dropped already.
            guard index < tally.occupied, buckets[index] == bucket else { return false }
            let remaining = volumes[index] - volume
            // Running sums leave crumbs of rounding; a bucket that is empty is dropped.
            if remaining > 1e-9 * Swift.max(1, tally.total + volume) {
                volumes[index] = remaining
                if index == tally.pointOfControl { findPointOfControl(&tally) }
                return false
            }
            for moved in index + 1 ..< tally.occupied {
                buckets[moved - 1] = buckets[moved]
                volumes[moved - 1] = volumes[moved]
            }
            tally.occupied -= 1
            volumes[tally.occupied] = Layout.absent
            if index == tally.pointOfControl {
                findPointOfControl(&tally)
            } else if index < tally.pointOfControl {
                tally.pointOfControl -= 1
            }
            return true
        }

        /// Adds `volume` to `bucket`, whose place (or where it goes) is `index`.
        @inline(__always)
        func add(_ volume: Double, to bucket: Double, at index: Int, tally: inout Tally) {
            tally.total += volume
            if index < tally.occupied, buckets[index] == bucket {
                volumes[index] += volume
            } else {
                for moved in (index ..< tally.occupied).reversed() {
                    buckets[moved + 1] = buckets[moved]
                    volumes[moved + 1] = volumes[moved]
                }
                buckets[index] = bucket
                volumes[index] = volume
                tally.occupied += 1
                if index <= tally.pointOfControl, tally.occupied > 1 { tally.pointOfControl += 1 }
            }
            let leader = volumes[tally.pointOfControl]
            if volumes[index] > leader || (volumes[index] == leader && index < tally.pointOfControl) { tally.pointOfControl = index }
        }

        /// The point of control afresh: the first of the largest volumes, compared as bit
        /// patterns (see `value`) so that each step is a conditional move, not a branch.
        private func findPointOfControl(_ tally: inout Tally) {
            var best = 0, most = pattern(0)
            for index in 1..<Swift.max(tally.occupied, 1) {
                let candidate = pattern(index), better = candidate > most
                best = better ? index : best
                most = better ? candidate : most
            }
            tally.pointOfControl = best
        }

        /// A volume's bit pattern. Volumes are never negative (but for the −1 sentinel, whose
        /// pattern alone is negative), so their patterns order as they do.
        @inline(__always)
        private func pattern(_ index: Int) -> Int64 { Int64(bitPattern: volumes[index].bitPattern) }

        /// Where two buckets are among the occupied ones, or where they would go: how many are
        /// below each, counted four at a time. A window's buckets are few (tens), and counting
        /// them all costs less than a bisection, whose every step waits on the read before it.
        /// The count reads up to three slots past the occupied ones (the layout has room), masked
        /// out.
        @inline(__always)
        func positions(of first: Double, _ second: Double, tally: Tally) -> (Int, Int) {
            let firstTarget = SIMD4(repeating: first), secondTarget = SIMD4(repeating: second)
            var firstBelow = SIMD4<Int64>.zero, secondBelow = SIMD4<Int64>.zero
            forEachFour(buckets, count: tally.occupied) { chunk, inRange in
                firstBelow &+= SIMD4.zero.replacing(with: 1, where: (chunk .< firstTarget) .& inRange)
                secondBelow &+= SIMD4.zero.replacing(with: 1, where: (chunk .< secondTarget) .& inRange)
            }
            return (Int(firstBelow.wrappedSum()), Int(secondBelow.wrappedSum()))
        }

        @inline(__always)
        func value(share: Double, bucketSize: Double, tally: Tally) -> VolumeProfileValue? {
            guard tally.total > 0, tally.occupied > 0 else { return nil }
            let poc = tally.pointOfControl, target = share * tally.total
            var low = poc, high = poc, inside = volumes[poc]
            // Which side a step takes depends on the volumes, so a branch on it would be
            // mispredicted about every other step. Instead each side's next two volumes are held
            // and a step chooses among them with conditional moves; the read each step needs is
            // issued a step ahead. The choices are made on the volumes' bit patterns: the
            // compiler makes a choice between two `Double`s a branch.
            var above = pattern(high + 1), nextAbove = pattern(high + 2)
            var below = pattern(low - 1), nextBelow = pattern(low - 2)
            // Past the occupied buckets both next volumes are the sentinel, whose pattern alone is
            // negative: the area stops growing there.
            while inside < target, above & below >= 0 {
                let farAbove = pattern(high &+ 3), farBelow = pattern(low &- 3)
                let step = Int64(unsafeBitCast(above >= below, to: UInt8.self)), up = 0 &- step
                @inline(__always) func choose(_ ifUp: Int64, _ ifDown: Int64) -> Int64 { (ifUp & up) | (ifDown & ~up) }
                inside += Double(bitPattern: UInt64(bitPattern: choose(above, below)))
                high &+= Int(step)
                low &-= 1 &- Int(step)
                (above, nextAbove) = (choose(nextAbove, above), choose(farAbove, nextAbove))
                (below, nextBelow) = (choose(below, nextBelow), choose(nextBelow, farBelow))
            }
            return VolumeProfileValue(
                pointOfControl: (buckets[poc] + 0.5) * bucketSize, valueAreaLow: buckets[low] * bucketSize,
                valueAreaHigh: (buckets[high] + 1) * bucketSize, volume: tally.total)
        }
    }
}
