import Core
import OrderManagement
import Testing

/// Which take-profits ride on the position and which become a ladder of reduce-only limits.
@Suite("Take-profit ladder or position target")
struct TakeProfitLadderPlanTests {
    static func order(targets: [String], quantities: [String], trailingAfter: Int? = nil) throws -> ApprovedOrder {
        try ApprovedOrder(
            intentID: "intent-1", symbol: try Symbol("BTCUSDT"), side: .buy, kind: .entry, quantity: try Quantity(parsing: "0.010"),
            referencePrice: try Price(parsing: "30000"), leverage: FixedPoint(integer: 2), stopLoss: try Price(parsing: "29500"),
            takeProfits: try targets.map { try Price(parsing: $0) }, reduceOnly: false,
            takeProfitQuantities: try quantities.map { try Quantity(parsing: $0) },
            trailing: try trailingAfter.map { try TrailingRule(offset: .distance(try Price(parsing: "300")), afterTarget: $0) },
            breakEvenAfterTarget: trailingAfter == nil ? 0 : 1)
    }

    static func plan(_ order: ApprovedOrder) throws -> TradePlan {
        try TradePlan(order, policy: ExecutionPolicy(), priceTick: try Price(parsing: "0.1"), quantityStep: try Quantity(parsing: "0.001"))
    }

    @Test func oneTargetForTheWholePositionRidesOnIt() throws {
        let whole = try Self.order(targets: ["30900"], quantities: ["0.010"])
        #expect(!whole.hasTakeProfitLadder)
        #expect(try Self.plan(whole).ladder.isEmpty)
        let unsized = try Self.order(targets: ["30900"], quantities: [])
        #expect(!unsized.hasTakeProfitLadder)
    }

    /// TP1 closes half and the rest trails (the balanced and conservative presets): the one
    /// step is a ladder, so TP1 closes only its half, the stop goes to break-even after it and
    /// trailing starts after it. As a position target it closed everything at TP1.
    @Test func oneTargetForPartOfThePositionIsALadderStep() throws {
        let order = try Self.order(targets: ["30900"], quantities: ["0.005"], trailingAfter: 1)
        #expect(order.hasTakeProfitLadder)
        let plan = try Self.plan(order)
        #expect(plan.ladder == [LadderStep(price: try Price(parsing: "30900"), quantity: try Quantity(parsing: "0.005"))])
        #expect(plan.breakEvenAfterStep == 1)
        #expect(plan.trailing?.afterTarget == 1)
    }

    @Test func twoSizedTargetsAreALadder() throws {
        let order = try Self.order(targets: ["30900", "31500"], quantities: ["0.005", "0.005"])
        #expect(order.hasTakeProfitLadder)
        #expect(try Self.plan(order).ladder.count == 2)
    }
}
