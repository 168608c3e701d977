import Core

/// One bar as indicators read it, in Double (see Indicator.swift for why).
public struct PriceBar: Sendable, Hashable, Codable {
    /// When the bar opened, in milliseconds since the epoch (session-anchored indicators read it).
    public let openTime: Int64
    public let open: Double
    public let high: Double
    public let low: Double
    public let close: Double
    /// Base-asset volume.
    public let volume: Double

    public init(openTime: Int64, open: Double, high: Double, low: Double, close: Double, volume: Double) {
        self.openTime = openTime
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
    }

    public init(_ candle: Candle) {
        self.init(
            openTime: candle.openTime.milliseconds, open: candle.open.doubleValue, high: candle.high.doubleValue,
            low: candle.low.doubleValue, close: candle.close.doubleValue, volume: candle.volume.doubleValue)
    }

    /// The typical price, (high + low + close) / 3.
    public var typicalPrice: Double { (high + low + close) / 3 }
}

extension Price {
    /// The price as a Double, for indicator math only (never for money).
    public var doubleValue: Double { value.doubleValue }
}

extension Quantity {
    /// The quantity as a Double, for indicator math only.
    public var doubleValue: Double { value.doubleValue }
}
