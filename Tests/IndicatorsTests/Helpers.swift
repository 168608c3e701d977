import Foundation
import Indicators
import Testing

/// Whether `a` and `b` agree to 1e-12 relative (or absolute near zero).
func nearlyEqual(_ a: Double?, _ b: Double?, tolerance: Double = 1e-12) -> Bool {
    guard let a, let b else { return a == nil && b == nil }
    return abs(a - b) <= tolerance * max(1, abs(a), abs(b))
}

/// A deterministic pseudo-random walk (linear congruential), so tests need no seeds or clocks.
func randomWalk(count: Int, start: Double = 100) -> [Double] {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    var price = start
    return (0..<count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let step = Double(Int64(state >> 33) % 2001 - 1000) / 1000  // −1 ... 1
        price = max(1, price + step)
        return price
    }
}

/// Bars around `closes` with a high/low `range` apart, a minute apart, of volume 1.
func bars(closes: [Double], range: Double) -> [PriceBar] {
    closes.enumerated().map { index, close in
        PriceBar(openTime: Int64(index) * 60_000, open: close, high: close + range / 2, low: close - range / 2, close: close, volume: 1)
    }
}

/// A bar where only the range matters (open at the close, no volume).
func bar(high: Double, low: Double, close: Double) -> PriceBar {
    PriceBar(openTime: 0, open: close, high: high, low: low, close: close, volume: 0)
}

/// Runs `indicator` over `inputs` in one go, and again with a JSON snapshot/restore after
/// `split` inputs; the outputs must be identical.
func expectRestoreContinues<I: Indicator>(_ indicator: I, over inputs: [I.Input], split: Int) throws
where I.Output: Equatable {
    let uninterrupted = indicator.values(over: inputs)
    var first = indicator
    let head = inputs[..<split].map { first.update($0) }
    let restored = try JSONDecoder().decode(I.self, from: JSONEncoder().encode(first))
    #expect(restored == first)
    let tail = restored.values(over: Array(inputs[split...]))
    #expect(head + tail == uninterrupted)
}
