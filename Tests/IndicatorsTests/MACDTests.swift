import Indicators
import Testing

@Suite("MACD")
struct MACDTests {
    @Test("2/3/2 by hand: both EMAs start on the third input, the signal on the fourth")
    func handComputed() throws {
        let values = MACD(fast: 2, slow: 3, signal: 2).values(over: [1, 2, 4, 8, 16])
        #expect(values[0...2].allSatisfy { $0 == nil })
        let first = try #require(values[3])
        #expect(nearlyEqual(first.macd, 7.0 / 6))
        #expect(nearlyEqual(first.signal, 11.0 / 12))
        #expect(nearlyEqual(first.histogram, 1.0 / 4))
        // Input 16: slow = 31/6 + (16 − 31/6)/2 = 127/12, fast = 19/3 + 2/3·(16 − 19/3) = 115/9.
        let second = try #require(values[4])
        let macd = 115.0 / 9 - 127.0 / 12
        #expect(nearlyEqual(second.macd, macd))
        #expect(nearlyEqual(second.signal, 11.0 / 12 + 2.0 / 3 * (macd - 11.0 / 12)))
    }

    @Test("12/26/9 first outputs on input 34; a constant series gives zero everywhere")
    func constantSeries() {
        let values = MACD().values(over: Array(repeating: 42, count: 60))
        #expect(values[..<33].allSatisfy { $0 == nil })
        #expect(values[33...].allSatisfy { $0 == MACDValue(macd: 0, signal: 0, histogram: 0) })
    }

    @Test("histogram is macd − signal on a random walk")
    func histogram() {
        for value in MACD().values(over: randomWalk(count: 200)).compactMap({ $0 }) {
            #expect(nearlyEqual(value.histogram, value.macd - value.signal))
        }
    }

    @Test("snapshot, restore and continue equals running uninterrupted")
    func restore() throws {
        let walk = randomWalk(count: 120)
        for split in [3, 20, 30, 80] {
            try expectRestoreContinues(MACD(), over: walk, split: split)
        }
    }
}
