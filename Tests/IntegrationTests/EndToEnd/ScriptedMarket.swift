import Core

/// A one-minute market for the end-to-end tests' simulator to replay, from 2026-01-05 00:00 UTC,
/// whole prices in USDT.
struct ScriptedMarket {
    struct Bar: Equatable {
        var open, high, low, close: Int
    }

    static let origin: Int64 = 1_767_571_200_000

    static func minute(_ index: Int) -> Timestamp { Timestamp(milliseconds: origin + Int64(index) * 60_000) }

    private(set) var bars: [Bar] = []

    /// 30 000 falling 4 000, rising 3 000, falling 1 200, then rising 800, in steps of 100:
    /// MACD(12/26/9) crosses up with RSI(14) ≈ 65 on bar 90 (close 28 600), a long with stop
    /// 28 375 and target 29 050 (ATR 150).
    static var crossingUpOnBar90: ScriptedMarket {
        let steps = Array(repeating: -100, count: 40) + Array(repeating: 100, count: 30)
            + Array(repeating: -100, count: 12) + Array(repeating: 100, count: 8)
        var market = ScriptedMarket()
        market.moving(through: steps.reduce(into: [30_000]) { closes, step in closes.append(closes.last! + step) })
        return market
    }

    /// One bar per close, each opening at its close with wicks 50 either side.
    mutating func moving(through closes: [Int]) {
        bars += closes.map { Bar(open: $0, high: $0 + 50, low: $0 - 50, close: $0) }
    }

    /// `count` bars standing still at `price`.
    mutating func standing(_ count: Int, at price: Int) {
        bars += Array(repeating: Bar(open: price, high: price, low: price, close: price), count: count)
    }

    /// The bars as `timestamp,open,high,low,close,volume`, volume 1 each.
    var csv: String {
        let lines = bars.enumerated().map { index, bar in
            "\(Self.minute(index).milliseconds),\(bar.open),\(bar.high),\(bar.low),\(bar.close),1"
        }
        return (["timestamp,open,high,low,close,volume"] + lines).joined(separator: "\n") + "\n"
    }
}
