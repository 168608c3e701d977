import Indicators
import Testing

@Suite("RSI")
struct RSITests {
    @Test("period 2 by hand: seeded with mean gain and loss, then Wilder-smoothed")
    func handComputed() {
        let values = RSI(period: 2).values(over: [10, 11, 10.5, 12, 11])
        #expect(values[0] == nil && values[1] == nil)
        #expect(nearlyEqual(values[2], 100 * 0.5 / 0.75))
        #expect(nearlyEqual(values[3], 100 * 1 / 1.125))
        #expect(nearlyEqual(values[4], 100 * 0.5 / 1.0625))
    }

    @Test("always within 0...100; strictly rising is 100, strictly falling 0, flat 0")
    func invariants() {
        let random = RSI().values(over: randomWalk(count: 500)).compactMap { $0 }
        #expect(random.count == 500 - 14)
        #expect(random.allSatisfy { (0...100).contains($0) })
        let rising = (0..<40).map { 100 + Double($0) * 0.7 }
        #expect(RSI().values(over: rising).compactMap { $0 }.allSatisfy { $0 == 100 })
        #expect(RSI().values(over: rising.reversed()).compactMap { $0 }.allSatisfy { $0 == 0 })
        #expect(RSI().values(over: Array(repeating: 5, count: 30)).compactMap { $0 }.allSatisfy { $0 == 0 })
    }

    @Test("snapshot, restore and continue equals running uninterrupted")
    func restore() throws {
        let walk = randomWalk(count: 80)
        for split in [1, 10, 15, 50] {
            try expectRestoreContinues(RSI(), over: walk, split: split)
        }
    }
}
