/// A price level where swings turned.
public struct PriceLevel: Sendable, Hashable, Codable {
    /// The mean price of the swings clustered into it.
    public let price: Double
    /// How many swings it holds.
    public let touches: Int
    /// The open time of its latest swing bar.
    public let lastTouch: Int64
}

/// The levels known at a bar, and the nearest ones around its close.
public struct SupportResistanceValue: Sendable, Hashable, Codable {
    /// Every level, lowest first.
    public let levels: [PriceLevel]
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
/// The value holds every level (none until the first swing is confirmed) and the nearest
/// around the bar's close.
public struct SupportResistance: Indicator {
    struct Swing: Sendable, Hashable, Codable {
        let bar: Int
        let price: Double
        let time: Int64
    }

    public let strength: Int
    public let window: Int
    public let tolerance: Double
    /// The last `2·strength + 1` bars, the candidate in the middle.
    private var recent: [PriceBar] = []
    private var bars = 0
    /// The window's confirmed swings in price order (the order clustering reads them in).
    private var swings: [Swing] = []
    private var levels: [PriceLevel] = []
    public private(set) var value: SupportResistanceValue?

    /// `strength` ≥ 1, `window` > 2·strength, `tolerance` ≥ 0.
    public init(strength: Int = 3, window: Int = 200, tolerance: Double = 0.003) {
        precondition(strength >= 1 && window > 2 * strength && tolerance >= 0, "invalid support/resistance settings")
        self.strength = strength
        self.window = window
        self.tolerance = tolerance
    }

    @discardableResult
    public mutating func update(_ bar: PriceBar) -> SupportResistanceValue? {
        bars += 1
        recent.append(bar)
        if recent.count > 2 * strength + 1 { recent.removeFirst() }
        var changed = false
        if recent.count == 2 * strength + 1 {
            let candidate = recent[strength]
            var isSwingHigh = true, isSwingLow = true
            for index in recent.indices where index != strength {
                isSwingHigh = isSwingHigh && recent[index].high < candidate.high
                isSwingLow = isSwingLow && recent[index].low > candidate.low
            }
            let candidateBar = bars - 1 - strength
            if isSwingHigh { insert(Swing(bar: candidateBar, price: candidate.high, time: candidate.openTime)) }
            if isSwingLow { insert(Swing(bar: candidateBar, price: candidate.low, time: candidate.openTime)) }
            changed = isSwingHigh || isSwingLow
        }
        let oldest = bars - window
        if swings.contains(where: { $0.bar < oldest }) {
            swings.removeAll { $0.bar < oldest }
            changed = true
        }
        if changed { levels = Self.cluster(swings, tolerance: tolerance) }
        value = SupportResistanceValue(
            levels: levels, support: levels.last { $0.price < bar.close }, resistance: levels.first { $0.price > bar.close })
        return value
    }

    /// Inserts `swing` after every swing of a lower or equal price.
    private mutating func insert(_ swing: Swing) {
        var low = 0, high = swings.count
        while low < high {
            let middle = (low + high) / 2
            if swings[middle].price <= swing.price { low = middle + 1 } else { high = middle }
        }
        swings.insert(swing, at: low)
    }

    /// Clusters `swings`, which are in price order, into levels.
    static func cluster(_ swings: [Swing], tolerance: Double) -> [PriceLevel] {
        var levels: [PriceLevel] = []
        // The current cluster: its members' count, price sum (summed in order, so the mean is
        // exactly that of the members) and latest swing time.
        var count = 0, sum = 0.0, lastTouch = Int64.min
        func close() {
            guard count > 0 else { return }
            levels.append(PriceLevel(price: sum / Double(count), touches: count, lastTouch: lastTouch))
            count = 0
            sum = 0
            lastTouch = .min
        }
        for swing in swings {
            if count > 0 {
                let mean = sum / Double(count)
                if abs(swing.price - mean) > tolerance * mean { close() }
            }
            count += 1
            sum += swing.price
            lastTouch = max(lastTouch, swing.time)
        }
        close()
        return levels
    }
}
