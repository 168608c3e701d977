/// The market `keel bench pipeline` replays: one-minute BTCUSDT bars in a sawtooth of three
/// cycles that MACD(12/26/9) and RSI(14) keep answering with an entry, and whose wicks reach
/// the entries' exchange-side stops or targets within the cycle, so the position is flat again
/// before the next one. Net drift is zero, and two stops (1 % each) per target (2 %) keep the
/// account's equity, and so the order sizes, roughly steady. About one entry every six bars.
/// Each bar trades 0.02 BTC, a thin tape of at most 20 prints: enough for marketdata's
/// candle/trade cross-check, without the in-memory local broker filling up with trades nobody
/// in the benchmark reads (a full tape of ~240 prints a bar slowed Tansu to a stall after about
/// 800 decisions).
enum BenchMarket {
    /// (bars down, bars up, wick: +1 up to the targets of longs, -1 down to the stops).
    static let cycles: [(down: Int, up: Int, wick: Int)] = [(2, 3, 1), (3, 2, 1), (2, 2, -1)]
    static let step = 100
    static let wick = 800
    static let base = 30_000

    /// `bars` one-minute bars from `origin` (ms) as a `timestamp,open,high,low,close,volume` CSV.
    static func csv(bars: Int, origin: Int64) -> String {
        var lines = ["timestamp,open,high,low,close,volume"]
        var close = base
        var cycle = 0
        func bar(_ open: Int, _ high: Int, _ low: Int, _ close: Int) {
            lines.append("\(origin + Int64(lines.count - 1) * 60_000),\(open),\(high),\(low),\(close),0.02")
        }
        while lines.count - 1 < bars {
            let (down, up, wick) = cycles[cycle % cycles.count]
            for _ in 0..<down { close -= step; bar(close, close + step / 2, close - step / 2, close) }
            for _ in 0..<up { close += step; bar(close, close + step / 2, close - step / 2, close) }
            bar(close, close + (wick > 0 ? self.wick : step / 2), close - (wick < 0 ? self.wick : step / 2), close)
            cycle += 1
        }
        return lines.prefix(bars + 1).joined(separator: "\n") + "\n"
    }
}
