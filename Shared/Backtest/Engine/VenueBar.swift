import Core

/// One bar of one symbol as the backtest venue reads it: prices in the instrument's ticks,
/// volume in its quantity units.
public struct VenueBar: Sendable, Hashable {
    public let openTime: Timestamp
    public let durationMs: Int64
    public let open: Int64
    public let high: Int64
    public let low: Int64
    public let close: Int64
    public let volume: Int64

    public init(openTime: Timestamp, durationMs: Int64, open: Int64, high: Int64, low: Int64, close: Int64, volume: Int64) {
        self.openTime = openTime
        self.durationMs = durationMs
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
    }

    public var closeTime: Timestamp { openTime.adding(milliseconds: durationMs) }

    /// The moment `fraction` (0...1) of the way through the bar, to the millisecond (down).
    func time(at fraction: Double) -> Timestamp {
        openTime.adding(milliseconds: min(durationMs, Int64((fraction * Double(durationMs)).rounded(.down))))
    }

    /// How far through the bar `time` is, 0...1.
    func fraction(of time: Timestamp) -> Double {
        Double(min(max(0, time.milliseconds - openTime.milliseconds), durationMs)) / Double(durationMs)
    }
}

/// The price path the venue assumes inside a bar, since OHLC bars do not say which extreme came
/// first: open → the extreme nearer the open → the other extreme → close, each leg a third of
/// the bar, the price moving in a straight line along each. When the open is as near one
/// extreme as the other the order is pessimistic for the position held: a long sees the low
/// first, a short the high (flat: the low).
///
/// So in one bar a long with its stop below and its target above is stopped when the low is
/// nearer the open, and takes profit first only when the high is strictly nearer.
public struct IntraBarPath: Sendable, Hashable {
    /// Open, first extreme, second extreme, close, in ticks.
    public let waypoints: [Int64]

    public init(_ bar: VenueBar, holding side: Side?) {
        let toHigh = bar.high - bar.open, toLow = bar.open - bar.low
        let lowFirst = toLow == toHigh ? side != .sell : toLow < toHigh
        waypoints = lowFirst ? [bar.open, bar.low, bar.high, bar.close] : [bar.open, bar.high, bar.low, bar.close]
    }

    /// The leg (0, 1 or 2) `fraction` is in; 1 is in the last leg.
    static func leg(at fraction: Double) -> Int { min(2, Int(fraction * 3)) }

    /// The price at `fraction` of the bar, to the nearest tick.
    public func price(at fraction: Double) -> Int64 {
        let leg = Self.leg(at: fraction)
        let from = waypoints[leg], to = waypoints[leg + 1]
        let along = fraction * 3 - Double(leg)
        return from + Int64((Double(to - from) * along).rounded())
    }

    /// The earliest fraction in `start...end`, a stretch within one leg, at which the price is
    /// at or beyond `level` in `direction`; nil when it never is there.
    func firstReach(_ level: Int64, _ direction: PriceDirection, from start: Double, to end: Double) -> Double? {
        let p0 = price(at: start), p1 = price(at: end)
        if direction.reached(level, by: p0) { return start }
        guard direction.reached(level, by: p1) else { return nil }
        // A straight leg: where it meets the level.
        let part = Double(level - p0) / Double(p1 - p0)
        return min(end, max(start, start + part * (end - start)))
    }
}

/// Which way a price must go to reach a level.
public enum PriceDirection: Sendable, Hashable {
    case up, down

    func reached(_ level: Int64, by price: Int64) -> Bool {
        self == .up ? price >= level : price <= level
    }
}
