import Core
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
}
