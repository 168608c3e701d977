import Core
import Testing

@testable import Risk

@Suite struct DecidedIntentMemoryTests {
    @Test func decidedIDsAreForgottenOldestFirstBeyondWhatIsKept() {
        var tracker = PortfolioTracker(idsKept: 3)
        for id in ["a", "b", "c", "d", "e", "f", "g"] { tracker.noteDecided(id) }
        #expect(tracker.account.decidedIntentIDs == ["e", "f", "g"])
        tracker.noteDecided("f")
        #expect(tracker.account.decidedIntentIDs == ["e", "f", "g"])
        for id in ["h", "i", "j", "k"] { tracker.noteDecided(id) }
        #expect(tracker.account.decidedIntentIDs == ["i", "j", "k"])
        // A forgotten id counts as new again.
        tracker.noteDecided("a")
        #expect(tracker.account.decidedIntentIDs == ["j", "k", "a"])
    }
}
