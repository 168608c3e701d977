import Core
import Foundation
import Testing

@testable import Risk

@Suite struct DecidedIntentMemoryTests {
    @Test func decidedIDsAreForgottenOldestFirstInBulkKeepingAtLeastWhatIsKept() {
        var tracker = PortfolioTracker(idsKept: 3)
        for id in ["a", "b", "c", "d", "e"] { tracker.noteDecided(id) }
        #expect(tracker.account.decidedIntentIDs == ["a", "b", "c", "d", "e"])
        // The sixth id reaches twice what is kept: the three newest stay.
        tracker.noteDecided("f")
        #expect(tracker.account.decidedIntentIDs == ["d", "e", "f"])
        tracker.noteDecided("e")
        #expect(tracker.account.decidedIntentIDs == ["d", "e", "f"], "a duplicate is not remembered twice")
        for id in ["g", "h", "i"] { tracker.noteDecided(id) }
        #expect(tracker.account.decidedIntentIDs == ["g", "h", "i"])
        // A forgotten id counts as new again.
        tracker.noteDecided("a")
        #expect(tracker.account.decidedIntentIDs == ["g", "h", "i", "a"])
    }

    @Test func stableIDsAreHeldAsTheirBitsAndOtherIDsAsText() throws {
        let stable = Intent.deriveID(
            strategy: "macd_rsi", symbol: try Symbol("BTCUSDT"), timeframe: .m15, candleTime: Timestamp(milliseconds: 1_700_000_000_000),
            kind: .entry, side: .buy)
        let neighbour = String(stable.dropLast()) + (stable.last == "0" ? "1" : "0")
        let set: IntentIDSet = [stable, stable.uppercased(), "manual-1", "00000000000000000000000000000000"]
        #expect(set.count == 4)
        #expect(set.contains(stable) && set.contains(stable.uppercased()) && set.contains("manual-1"))
        #expect(!set.contains(neighbour) && !set.contains(String(stable.dropLast())))
        #expect(set.keys.contains(.stable(high: 0, low: 0)))
        #expect(set.keys.filter { if case .stable = $0 { true } else { false } }.count == 2)
        #expect(Set(set.ids) == [stable, stable.uppercased(), "manual-1", "00000000000000000000000000000000"])
        let decoded = try JSONDecoder().decode(IntentIDSet.self, from: JSONEncoder().encode(set))
        #expect(decoded == set)
    }

    @Test func manyStableIDsAreAllFoundWhateverTheOrderTheyCameIn() throws {
        // Enough to grow the table several times; the ids share their low words in pairs, so
        // probing past an occupied slot is exercised too.
        var words: [(high: UInt64, low: UInt64)] = []
        for n in UInt64(1)...5_000 {
            let low = n &* 0x9E37_79B9_7F4A_7C15
            words.append((n, low))
            words.append((n << 32, low))
        }
        func hex(_ word: UInt64) -> String { String(repeating: "0", count: 16 - String(word, radix: 16).count) + String(word, radix: 16) }
        let ids = words.map { hex($0.high) + hex($0.low) } + ["00000000000000000000000000000000", "manual-2"]
        let forward = IntentIDSet(ids)
        let backward = IntentIDSet(ids.reversed())
        #expect(forward.count == 10_002)
        #expect(ids.allSatisfy(forward.contains))
        #expect(!forward.contains(hex(7) + hex(8)) && !forward.contains("manual-3"))
        #expect(forward == backward && forward.hashValue == backward.hashValue)
        #expect(Set(forward.ids) == Set(ids))
        var fewer = IntentIDSet(ids.dropLast(3))
        #expect(fewer != forward)
        #expect(fewer.insert(IntentIDSet.Key(ids[ids.count - 3])) && !fewer.insert(IntentIDSet.Key(ids[0])))
    }
}
