import Core
import OrderManagement
import Testing

@Suite("Order state machine")
struct OrderStateMachineTests {
    func progress(_ status: OrderStatus?, _ filled: String = "0", _ time: Int64? = 100) -> OrderProgress {
        OrderProgress(status: status, filledQuantity: qty(filled), venueUpdatedAt: time.map(at))
    }

    @Test("every step forward is taken, also one that skips states a lost push would have shown")
    func forward() {
        #expect(OrderStateMachine.judge(recorded: progress(nil, "0", nil), report: progress(.new)) == .apply)
        #expect(OrderStateMachine.judge(recorded: progress(.new), report: progress(.partiallyFilled, "0.4", 101)) == .apply)
        #expect(OrderStateMachine.judge(recorded: progress(.partiallyFilled, "0.4"), report: progress(.partiallyFilled, "0.7", 102)) == .apply)
        #expect(OrderStateMachine.judge(recorded: progress(.partiallyFilled, "0.7"), report: progress(.filled, "1", 103)) == .apply)
        #expect(OrderStateMachine.judge(recorded: progress(.untriggered), report: progress(.filled, "1", 105)) == .apply)
        #expect(OrderStateMachine.judge(recorded: progress(.untriggered), report: progress(.deactivated, "0", 105)) == .apply)
        #expect(OrderStateMachine.judge(recorded: progress(.triggered), report: progress(.rejected, "0", 105)) == .apply)
        #expect(OrderStateMachine.judge(recorded: progress(.partiallyFilled, "0.4"), report: progress(.cancelled, "0.4", 110)) == .apply)
    }

    @Test("a report with an older updatedTime, or less filled, is stale; the same state is a duplicate")
    func staleAndDuplicate() {
        if case .stale = OrderStateMachine.judge(recorded: progress(.filled, "1", 200), report: progress(.new, "0", 150)) {} else {
            Issue.record("an older report must be stale")
        }
        if case .stale = OrderStateMachine.judge(recorded: progress(.partiallyFilled, "0.5", 200), report: progress(.partiallyFilled, "0.2", 200)) {} else {
            Issue.record("less filled must be stale")
        }
        #expect(OrderStateMachine.judge(recorded: progress(.filled, "1", 200), report: progress(.filled, "1", 250)) == .duplicate)
    }

    @Test("nothing leaves a terminal state and nothing goes back")
    func impossible() {
        if case .impossible = OrderStateMachine.judge(recorded: progress(.filled, "1"), report: progress(.cancelled, "1", 300)) {} else {
            Issue.record("Filled cannot become Cancelled")
        }
        if case .impossible = OrderStateMachine.judge(recorded: progress(.partiallyFilled, "0.5"), report: progress(.new, "0.5", 300)) {} else {
            Issue.record("PartiallyFilled cannot go back to New")
        }
        #expect(!OrderStateMachine.canMove(from: .cancelled, to: .new))
        #expect(!OrderStateMachine.canMove(from: .deactivated, to: .triggered))
        #expect(OrderStateMachine.canMove(from: nil, to: .rejected))
    }
}
