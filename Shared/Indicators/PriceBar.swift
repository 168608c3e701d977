import Core

/// The part of a candle that range-based indicators (ATR) read, as Double.
public struct PriceBar: Sendable, Hashable, Codable {
    public let high: Double
    public let low: Double
    public let close: Double

    public init(high: Double, low: Double, close: Double) {
        self.high = high
        self.low = low
        self.close = close
    }

    public init(_ candle: Candle) {
        self.init(high: candle.high.doubleValue, low: candle.low.doubleValue, close: candle.close.doubleValue)
    }
}

extension Price {
    /// The price as a Double, for indicator math only (never for money).
    public var doubleValue: Double {
        var divisor = 1.0
        for _ in 0..<Int(value.scale) { divisor *= 10 }
        return Double(value.units) / divisor
    }
}
