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
    /// Bucket and volume of each bar in the window.
    private var bucketsInWindow: RollingWindow
    private var volumesInWindow: RollingWindow
    /// The occupied buckets in ascending order, and the volume in each (parallel arrays: the
    /// value area walks them in price order every bar, so they are kept sorted, not hashed).
    private var buckets: [Int] = []
    private var volumes: [Double] = []
    /// Index of the point of control in `buckets` (the lowest of equal maxima).
    private var pointOfControl = 0
    private var total = 0.0
    public private(set) var value: VolumeProfileValue?

    /// `window` ≥ 1, `bucketSize` > 0, `valueAreaShare` in 0...1.
    public init(window: Int = 100, bucketSize: Double, valueAreaShare: Double = 0.7) {
        precondition(window >= 1 && bucketSize > 0 && (0...1).contains(valueAreaShare), "invalid volume profile settings")
        self.window = window
        self.bucketSize = bucketSize
        self.valueAreaShare = valueAreaShare
        bucketsInWindow = RollingWindow(capacity: window)
        volumesInWindow = RollingWindow(capacity: window)
    }

    @discardableResult
    public mutating func update(_ bar: PriceBar) -> VolumeProfileValue? {
        let bucket = Int((bar.typicalPrice / bucketSize).rounded(.down))
        let leavingBucket = bucketsInWindow.append(Double(bucket))
        let leavingVolume = volumesInWindow.append(bar.volume)
        if let leavingBucket, let leavingVolume { remove(leavingVolume, from: Int(leavingBucket)) }
        add(bar.volume, to: bucket)
        value = total > 0 && !buckets.isEmpty ? profile() : nil
        return value
    }

    private mutating func remove(_ volume: Double, from bucket: Int) {
        total -= volume
        // A bucket whose bars had (next to) no volume may have been dropped already.
        let index = position(of: bucket)
        guard index < buckets.count, buckets[index] == bucket else { return }
        let remaining = volumes[index] - volume
        // Running sums leave crumbs of rounding; a bucket that is empty is dropped.
        if remaining > 1e-9 * max(1, total + volume) {
            volumes[index] = remaining
            if index == pointOfControl { findPointOfControl() }
        } else {
            buckets.remove(at: index)
            volumes.remove(at: index)
            if index == pointOfControl {
                findPointOfControl()
            } else if index < pointOfControl {
                pointOfControl -= 1
            }
        }
    }

    private mutating func add(_ volume: Double, to bucket: Int) {
        total += volume
        let index = position(of: bucket)
        if index < buckets.count, buckets[index] == bucket {
            volumes[index] += volume
        } else {
            buckets.insert(bucket, at: index)
            volumes.insert(volume, at: index)
            if index <= pointOfControl, buckets.count > 1 { pointOfControl += 1 }
        }
        let leader = volumes[pointOfControl]
        if volumes[index] > leader || (volumes[index] == leader && index < pointOfControl) { pointOfControl = index }
    }

    private mutating func findPointOfControl() {
        pointOfControl = volumes.withUnsafeBufferPointer { volumes in
            var best = 0
            for index in volumes.indices.dropFirst() where volumes[index] > volumes[best] { best = index }
            return best
        }
    }

    /// Where `bucket` is in `buckets`, or where it would go.
    private func position(of bucket: Int) -> Int {
        buckets.withUnsafeBufferPointer { $0.partitionPoint { $0 >= bucket } }
    }

    private func profile() -> VolumeProfileValue {
        let poc = pointOfControl, target = valueAreaShare * total
        let (low, high) = volumes.withUnsafeBufferPointer { volumes -> (Int, Int) in
            let last = volumes.count - 1
            var low = poc, high = poc, inside = volumes[poc]
            while inside < target, low > 0 || high < last {
                let above = high < last ? volumes[high + 1] : -1
                let below = low > 0 ? volumes[low - 1] : -1
                // Which side grows is as good as random: taken without a branch, by arithmetic.
                let upwards = above >= below ? 1 : 0
                inside += Swift.max(above, below)
                high += upwards
                low -= 1 - upwards
            }
            return (low, high)
        }
        return VolumeProfileValue(
            pointOfControl: (Double(buckets[poc]) + 0.5) * bucketSize, valueAreaLow: Double(buckets[low]) * bucketSize,
            valueAreaHigh: Double(buckets[high] + 1) * bucketSize, volume: total)
    }
}
