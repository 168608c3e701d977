/// An open RSI interval: `lower < rsi < upper`.
public struct RSIBounds: Sendable, Hashable, Codable {
    public var lower: Double
    public var upper: Double

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    public func contains(_ rsi: Double) -> Bool { lower < rsi && rsi < upper }
}
