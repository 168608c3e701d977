import Indicators
import Testing

@Suite("EMA")
struct EMATests {
    @Test("seeds with the SMA of the first period inputs, then smooths with 2/(n+1)")
    func handComputed() {
        let values = EMA(period: 3).values(over: [1, 2, 3, 4, 5])
        #expect(values == [nil, nil, 2, 3, 4])
    }

    @Test("period 1 is the input itself; a constant series stays constant")
    func invariants() {
        let walk = randomWalk(count: 50)
        #expect(EMA(period: 1).values(over: walk) == walk.map { Optional($0) })
        #expect(EMA(period: 10).values(over: Array(repeating: 7.5, count: 30)).compactMap { $0 }.allSatisfy { $0 == 7.5 })
    }

    @Test("snapshot, restore and continue equals running uninterrupted")
    func restore() throws {
        try expectRestoreContinues(EMA(period: 10), over: randomWalk(count: 100), split: 5)
        try expectRestoreContinues(EMA(period: 10), over: randomWalk(count: 100), split: 40)
    }
}
