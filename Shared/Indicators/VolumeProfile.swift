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
/// the neighbouring occupied bucket with more volume (the upper one on a tie), until it holds `valueAreaShare` of
/// the volume. Cost per bar: O(log buckets) to find a bar's bucket, O(buckets) to open or close
/// one and to read the profile (the buckets a window spans: a few dozen).
/// nil until the window holds volume.
public struct VolumeProfile: Indicator {
    public let window: Int
    public let bucketSize: Double
    public let valueAreaShare: Double
    /// Bucket and volume of each bar in the window.
    private var bucketsInWindow: RollingWindow
    private var volumesInWindow: RollingWindow
    /// The occupied buckets in ascending order, and the volume in each (parallel arrays: the
    /// profile is read in price order every bar, so it is kept sorted rather than hashed).
    private var buckets: [Int] = []
    private var volumes: [Double] = []
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
        if let leavingBucket, let leavingVolume {
            // A bucket whose bars had (next to) no volume may have been dropped already.
            let index = position(of: Int(leavingBucket))
            if index < buckets.count, buckets[index] == Int(leavingBucket) {
                let remaining = volumes[index] - leavingVolume
                // Running sums leave crumbs of rounding; a bucket that is empty is dropped.
                if remaining > 1e-9 * max(1, total) {
                    volumes[index] = remaining
                } else {
                    buckets.remove(at: index)
                    volumes.remove(at: index)
                }
            }
            total -= leavingVolume
        }
        let index = position(of: bucket)
        if index < buckets.count, buckets[index] == bucket {
            volumes[index] += bar.volume
        } else {
            buckets.insert(bucket, at: index)
            volumes.insert(bar.volume, at: index)
        }
        total += bar.volume
        value = total > 0 ? profile() : nil
        return value
    }

    /// Where `bucket` is in `buckets`, or where it would go.
    private func position(of bucket: Int) -> Int {
        var low = 0, high = buckets.count
        while low < high {
            let middle = (low + high) / 2
            if buckets[middle] < bucket { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private func profile() -> VolumeProfileValue {
        // The lower bucket wins a tie for the point of control.
        let poc = volumes.indices.max { volumes[$0] < volumes[$1] || (volumes[$0] == volumes[$1] && $0 > $1) }!
        var low = poc
        var high = poc
        var inside = volumes[poc]
        while inside < valueAreaShare * total, low > 0 || high < buckets.count - 1 {
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
