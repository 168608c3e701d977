import Indicators
import Testing

@Suite("ATR")
struct ATRTests {
    @Test("period 2 by hand: true ranges from the second bar, mean seed, then Wilder")
    func handComputed() {
        let input = [
            bar(high: 10, low: 8, close: 9),
            bar(high: 11, low: 9, close: 10),  // TR 2
            bar(high: 12, low: 10, close: 11.5),  // TR 2 → ATR 2
            bar(high: 11, low: 7, close: 8),  // TR max(4, 0.5, 4.5) = 4.5 → ATR (2 + 4.5) / 2
        ]
        #expect(ATR(period: 2).values(over: input) == [nil, nil, 2, 3.25])
    }

    @Test("bars of a constant range without gaps give exactly that range")
    func constantRange() {
        let values = ATR().values(over: bars(closes: Array(repeating: 50, count: 40), range: 1.25))
        #expect(values[..<14].allSatisfy { $0 == nil })
        #expect(values[14...].allSatisfy { $0 == 1.25 })
    }

    @Test("never below zero, never above the largest true range")
    func bounds() {
        let input = bars(closes: randomWalk(count: 300), range: 0.8)
        for value in ATR().values(over: input).compactMap({ $0 }) {
            #expect(value >= 0.8 && value <= 1.8)
        }
    }

    @Test("snapshot, restore and continue equals running uninterrupted")
    func restore() throws {
        let input = bars(closes: randomWalk(count: 80), range: 0.5)
        for split in [1, 14, 15, 60] {
            try expectRestoreContinues(ATR(), over: input, split: split)
        }
    }
}
