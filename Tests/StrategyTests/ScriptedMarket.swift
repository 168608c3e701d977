import Core

/// Candles for scripted markets: each bar closes `step` away from the previous close and spans
/// 1.0 around its close, so every true range is 1.5 and ATR(14) is exactly 1.5.
enum ScriptedMarket {
    static let symbol = try! Symbol("BTCUSDT")
    static let timeframe = Timeframe.h1
    static let start = Timestamp(milliseconds: 1_700_000_000_000 / 3_600_000 * 3_600_000)

    /// Closes starting at `first`, then one bar per step.
    static func closes(from first: Double, steps: [Double]) -> [Double] {
        steps.reduce(into: [first]) { closes, step in closes.append(closes.last! + step) }
    }

    static func candles(_ closes: [Double], isClosed: Bool = true) throws -> [Candle] {
        try closes.enumerated().map { index, close in
            try candle(at: index, close: close, isClosed: isClosed)
        }
    }

    static func candle(at index: Int, close: Double, isClosed: Bool = true) throws -> Candle {
        func price(_ value: Double) throws -> Price { try Price(parsing: String(value)) }
        return try Candle(
            symbol: symbol, timeframe: timeframe, openTime: openTime(ofBar: index),
            open: price(close), high: price(close + 0.5), low: price(close - 0.5), close: price(close),
            volume: Quantity(parsing: "1"), isClosed: isClosed)
    }

    static func openTime(ofBar index: Int) -> Timestamp {
        start.adding(milliseconds: Int64(index) * timeframe.milliseconds)
    }

    /// Down 40, up 30, down 12, up 15 from 200: the MACD crosses up at bar 41 (RSI ≈ 7),
    /// down at bar 74 (RSI ≈ 66) and up again at bar 90 (close 186, RSI ≈ 65): one long.
    static let pullbackRally = closes(from: 200, steps: steps(-1, 40) + steps(1, 30) + steps(-1, 12) + steps(1, 15))
    /// `pullbackRally` mirrored: one short at bar 90 (close 214, RSI ≈ 35).
    static let bounceDecline = closes(from: 200, steps: steps(1, 40) + steps(-1, 30) + steps(1, 12) + steps(-1, 15))
    /// Down 40, up 30, down 3, up 12: crosses at bars 41 (RSI ≈ 7), 76 (≈ 77) and 78 (≈ 80),
    /// all out of bounds.
    static let overboughtRally = closes(from: 200, steps: steps(-1, 40) + steps(1, 30) + steps(-1, 3) + steps(1, 12))

    static func steps(_ size: Double, _ count: Int) -> [Double] { Array(repeating: size, count: count) }
}
