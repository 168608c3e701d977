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
/// `IchimokuValue`). The first value comes on bar `slow + displacement` (78 by default), once
/// the cloud at the bar exists.
public struct Ichimoku: Indicator {
    public let conversionPeriod: Int
    public let basePeriod: Int
    public let spanBPeriod: Int
    public let displacement: Int
    private var conversionHigh, conversionLow, baseHigh, baseLow, spanBHigh, spanBLow: RollingExtreme
    /// Leading spans A and B of the last `displacement + 1` bars, and closes as far back.
    private var leadingA, leadingB, closes: RollingWindow
    private var bars = 0
    public private(set) var value: IchimokuValue?

    /// Periods and displacement must be at least 1.
    public init(conversion: Int = 9, base: Int = 26, spanB: Int = 52, displacement: Int = 26) {
        precondition(min(conversion, base, spanB, displacement) >= 1, "Ichimoku periods must be at least 1")
        conversionPeriod = conversion
        basePeriod = base
        spanBPeriod = spanB
        self.displacement = displacement
        conversionHigh = RollingExtreme(period: conversion, kind: .maximum)
        conversionLow = RollingExtreme(period: conversion, kind: .minimum)
        baseHigh = RollingExtreme(period: base, kind: .maximum)
        baseLow = RollingExtreme(period: base, kind: .minimum)
        spanBHigh = RollingExtreme(period: spanB, kind: .maximum)
        spanBLow = RollingExtreme(period: spanB, kind: .minimum)
        leadingA = RollingWindow(capacity: displacement + 1)
        leadingB = RollingWindow(capacity: displacement + 1)
        closes = RollingWindow(capacity: displacement + 1)
    }

    @discardableResult
    public mutating func update(_ bar: PriceBar) -> IchimokuValue? {
        bars += 1
        let tenkan = (conversionHigh.update(bar.high) + conversionLow.update(bar.low)) / 2
        let kijun = (baseHigh.update(bar.high) + baseLow.update(bar.low)) / 2
        let spanB = (spanBHigh.update(bar.high) + spanBLow.update(bar.low)) / 2
        closes.append(bar.close)
        // Spans enter the shift register only once their inputs cover their whole periods.
        guard bars >= max(basePeriod, conversionPeriod) else { return nil }
        leadingA.append((tenkan + kijun) / 2)
        guard bars >= spanBPeriod else { return nil }
        leadingB.append(spanB)
        guard leadingB.isFull else { return nil }
        value = IchimokuValue(
            tenkan: tenkan, kijun: kijun, senkouA: leadingA.oldest, senkouB: leadingB.oldest,
            leadingA: (tenkan + kijun) / 2, leadingB: spanB, chikou: bar.close, chikouReference: closes.oldest)
        return value
    }
}
