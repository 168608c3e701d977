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
/// `valueAreaShare` of the volume. Cost per bar: O(log buckets) to find a bar's bucket; the
/// point of control is kept as volumes change (a scan of the buckets only when its own volume
/// falls); the value area costs one step per bucket in it. nil until the window holds volume.
public struct VolumeProfile: Indicator {
    public let window: Int
    public let bucketSize: Double
    public let valueAreaShare: Double
    /// The window's bars and the occupied buckets in one buffer laid out by `Layout`, so an
    /// update checks the buffer's uniqueness once and reaches everything by pointer.
    private var storage: [Double]
    private var tally = Tally()
    public private(set) var value: VolumeProfileValue?

    /// `window` ≥ 1, `bucketSize` > 0, `valueAreaShare` in 0...1.
    public init(window: Int = 100, bucketSize: Double, valueAreaShare: Double = 0.7) {
        precondition(window >= 1 && bucketSize > 0 && (0...1).contains(valueAreaShare), "invalid volume profile settings")
        self.window = window
        self.bucketSize = bucketSize
        self.valueAreaShare = valueAreaShare
        // Every volume slot past the occupied buckets (and the padding before them) holds the
        // sentinel −1: less than any volume, so the value area never grows into it.
        storage = Array(repeating: Layout.absent, count: Layout(window: window).count)
    }

    @discardableResult
    public mutating func update(_ bar: PriceBar) -> VolumeProfileValue? {
        let bucket = (bar.typicalPrice / bucketSize).rounded(.down)
        let layout = Layout(window: window), share = valueAreaShare, bucketSize = bucketSize
        var tally = tally
        value = storage.withUnsafeMutableBufferPointer { buffer in
            let profile = Buffers(base: buffer.baseAddress!, layout: layout)
            if let (leavingBucket, leavingVolume) = profile.enter(bucket: bucket, volume: bar.volume, tally: &tally) {
                profile.remove(leavingVolume, from: leavingBucket, tally: &tally)
            }
            profile.add(bar.volume, to: bucket, tally: &tally)
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

        @inline(__always)
        func remove(_ volume: Double, from bucket: Double, tally: inout Tally) {
            tally.total -= volume
            // A bucket whose bars had (next to) no volume may have been dropped already.
            let index = position(of: bucket, tally: tally)
            guard index < tally.occupied, buckets[index] == bucket else { return }
            let remaining = volumes[index] - volume
            // Running sums leave crumbs of rounding; a bucket that is empty is dropped.
            if remaining > 1e-9 * Swift.max(1, tally.total + volume) {
                volumes[index] = remaining
                if index == tally.pointOfControl { findPointOfControl(&tally) }
                return
            }
            let after = tally.occupied - index - 1
            (buckets + index).update(from: buckets + index + 1, count: after)
            (volumes + index).update(from: volumes + index + 1, count: after)
            tally.occupied -= 1
            volumes[tally.occupied] = Layout.absent
            if index == tally.pointOfControl {
                findPointOfControl(&tally)
            } else if index < tally.pointOfControl {
                tally.pointOfControl -= 1
            }
        }

        @inline(__always)
        func add(_ volume: Double, to bucket: Double, tally: inout Tally) {
            tally.total += volume
            let index = position(of: bucket, tally: tally)
            if index < tally.occupied, buckets[index] == bucket {
                volumes[index] += volume
            } else {
                let after = tally.occupied - index
                (buckets + index + 1).update(from: buckets + index, count: after)
                (volumes + index + 1).update(from: volumes + index, count: after)
                buckets[index] = bucket
                volumes[index] = volume
                tally.occupied += 1
                if index <= tally.pointOfControl, tally.occupied > 1 { tally.pointOfControl += 1 }
            }
            let leader = volumes[tally.pointOfControl]
            if volumes[index] > leader || (volumes[index] == leader && index < tally.pointOfControl) { tally.pointOfControl = index }
        }

        private func findPointOfControl(_ tally: inout Tally) {
            var best = 0
            for index in 1..<Swift.max(tally.occupied, 1) where volumes[index] > volumes[best] { best = index }
            tally.pointOfControl = best
        }

        /// Where `bucket` is among the occupied buckets, or where it would go.
        @inline(__always)
        private func position(of bucket: Double, tally: Tally) -> Int {
            UnsafeBufferPointer(start: buckets, count: tally.occupied).partitionPoint { $0 >= bucket }
        }

        @inline(__always)
        func value(share: Double, bucketSize: Double, tally: Tally) -> VolumeProfileValue? {
            guard tally.total > 0, tally.occupied > 0 else { return nil }
            let poc = tally.pointOfControl, last = tally.occupied - 1, target = share * tally.total
            var low = poc, high = poc, inside = volumes[poc]
            // Each side's next two volumes are held and the one after is read a step ahead, so a
            // step does not wait on a read that depends on the side the last one took.
            var above = volumes[high + 1], nextAbove = volumes[high + 2]
            var below = volumes[low - 1], nextBelow = volumes[low - 2]
            while inside < target, low > 0 || high < last {
                let farAbove = volumes[high + 3], farBelow = volumes[low - 3]
                if above >= below {
                    inside += above
                    high += 1
                    above = nextAbove
                    nextAbove = farAbove
                } else {
                    inside += below
                    low -= 1
                    below = nextBelow
                    nextBelow = farBelow
                }
            }
            return VolumeProfileValue(
                pointOfControl: (buckets[poc] + 0.5) * bucketSize, valueAreaLow: buckets[low] * bucketSize,
                valueAreaHigh: (buckets[high] + 1) * bucketSize, volume: tally.total)
        }
    }
}
