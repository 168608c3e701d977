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
            let others = recent.indices.filter { $0 != strength }.map { recent[$0] }
            let candidateBar = bars - 1 - strength
            if others.allSatisfy({ $0.high < candidate.high }) {
                swings.append(Swing(bar: candidateBar, price: candidate.high, time: candidate.openTime))
                changed = true
            }
            if others.allSatisfy({ $0.low > candidate.low }) {
                swings.append(Swing(bar: candidateBar, price: candidate.low, time: candidate.openTime))
                changed = true
            }
        }
        let oldest = bars - window
        if let first = swings.first, first.bar < oldest {
            swings.removeAll { $0.bar < oldest }
            changed = true
        }
        if changed { levels = Self.cluster(swings, tolerance: tolerance) }
        value = SupportResistanceValue(
            levels: levels, support: levels.last { $0.price < bar.close }, resistance: levels.first { $0.price > bar.close })
        return value
    }

    static func cluster(_ swings: [Swing], tolerance: Double) -> [PriceLevel] {
        var levels: [PriceLevel] = []
        var members: [Swing] = []
        func close() {
            guard !members.isEmpty else { return }
            let mean = members.reduce(0) { $0 + $1.price } / Double(members.count)
            levels.append(PriceLevel(price: mean, touches: members.count, lastTouch: members.map(\.time).max()!))
            members = []
        }
        for swing in swings.sorted(by: { $0.price < $1.price }) {
            if !members.isEmpty {
                let mean = members.reduce(0) { $0 + $1.price } / Double(members.count)
                if abs(swing.price - mean) > tolerance * mean { close() }
            }
            members.append(swing)
        }
        close()
        return levels
    }
}
