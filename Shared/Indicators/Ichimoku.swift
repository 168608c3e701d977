/// One Ichimoku reading: every line as it is known at the bar, nothing taken from later bars.
public struct IchimokuValue: Sendable, Hashable, Codable {
    /// Conversion line: the midpoint of the highest high and lowest low of the last 9 bars.
    public let tenkan: Double
    /// Base line: the same over 26 bars.
    public let kijun: Double
    /// The cloud at this bar: leading span A computed `displacement` bars ago.
    public let senkouA: Double
    /// The cloud at this bar: leading span B computed `displacement` bars ago.
    public let senkouB: Double
    /// Leading span A computed now, (tenkan + kijun) / 2, which charts draw `displacement` bars ahead.
    public let leadingA: Double
    /// Leading span B computed now (the 52-bar midpoint), drawn `displacement` bars ahead.
    public let leadingB: Double
    /// The lagging span: this bar's close, which charts draw `displacement` bars back…
    public let chikou: Double
    /// …next to the close it is compared with there.
    public let chikouReference: Double
}

/// Ichimoku Kinkō Hyō (default 9/26/52, displacement 26). TA-Lib has no Ichimoku; this is the
/// standard definition with the shifted lines given as what is known at each bar (see
/// `IchimokuValue`). The first value comes on bar `max(conversion, base, spanB) + displacement`
/// (78 by default), once both spans of the cloud at the bar exist.
public struct Ichimoku: Indicator {
    /// What a bar leaves for the bar `displacement` later: its leading spans and its close.
    private struct Shifted: Sendable, Hashable, Codable {
        var leadingA = 0.0
        var leadingB = 0.0
        var close = 0.0
    }

    public let conversionPeriod: Int
    public let basePeriod: Int
    public let spanBPeriod: Int
    public let displacement: Int
    private var conversion, base, spanB: RollingRange
    /// The last `displacement + 1` bars' `Shifted`, a ring written at `next`: after a write, the
    /// entry from `displacement` bars back is the one after it.
    private var shifted: [Shifted]
    private var next = 0
    private var bars = 0
    public private(set) var value: IchimokuValue?

    /// Periods and displacement must be at least 1.
    public init(conversion: Int = 9, base: Int = 26, spanB: Int = 52, displacement: Int = 26) {
        precondition(min(conversion, base, spanB, displacement) >= 1, "Ichimoku periods must be at least 1")
        conversionPeriod = conversion
        basePeriod = base
        spanBPeriod = spanB
        self.displacement = displacement
        self.conversion = RollingRange(period: conversion)
        self.base = RollingRange(period: base)
        self.spanB = RollingRange(period: spanB)
        shifted = Array(repeating: Shifted(), count: displacement + 1)
    }

    @discardableResult
    public mutating func update(_ bar: PriceBar) -> IchimokuValue? {
        bars += 1
        let tenkan = Self.midpoint(conversion.update(high: bar.high, low: bar.low))
        let kijun = Self.midpoint(base.update(high: bar.high, low: bar.low))
        let leadingB = Self.midpoint(spanB.update(high: bar.high, low: bar.low))
        let leadingA = (tenkan + kijun) / 2
        let written = next
        shifted[written] = Shifted(leadingA: leadingA, leadingB: leadingB, close: bar.close)
        next = written == displacement ? 0 : written + 1
        // The cloud at this bar comes from spans computed `displacement` bars ago, which
        // needed every period's window full then.
        guard bars >= max(conversionPeriod, basePeriod, spanBPeriod) + displacement else { return nil }
        let past = shifted[next]
        value = IchimokuValue(
            tenkan: tenkan, kijun: kijun, senkouA: past.leadingA, senkouB: past.leadingB,
            leadingA: leadingA, leadingB: leadingB, chikou: bar.close, chikouReference: past.close)
        return value
    }

    private static func midpoint(_ extremes: (highest: Double, lowest: Double)) -> Double {
        (extremes.highest + extremes.lowest) / 2
    }
}
