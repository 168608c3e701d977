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
}
