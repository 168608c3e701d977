import Core
import OrderManagement
import Testing

@Suite("Venue circuit breaker and reconciliation")
struct CircuitBreakerAndReconciliationTests {
    @Test("opens after the threshold of failures in a row, not on refusals; probes after the wait; a success closes it")
    func breakerCycle() {
        var breaker = VenueCircuitBreaker(failureThreshold: 3, probeAfterMs: 1000)
        #expect(breaker.record(.failure("timeout"), at: at(0)) == nil)
        #expect(breaker.record(.refused, at: at(1)) == nil)
        #expect(breaker.record(.success, at: at(2)) == nil, "a success resets the count")
        #expect(breaker.record(.failure("timeout"), at: at(3)) == nil)
        #expect(breaker.record(.failure("timeout"), at: at(4)) == nil)
        #expect(check(&breaker) { $0.allowsEntries(at: at(5)) })
        guard case .opened = breaker.record(.failure("HTTP 502"), at: at(6)) else { Issue.record("the third failure opens it"); return }
        #expect(!check(&breaker) { $0.allowsEntries(at: at(500)) })
        #expect(!halfOpen(&breaker, at: at(900)))
        #expect(halfOpen(&breaker, at: at(1006)), "half-open after the wait")
        #expect(breaker.record(.failure("timeout"), at: at(1010)) == nil, "a failed probe opens it again")
        #expect(!halfOpen(&breaker, at: at(1500)))
        #expect(halfOpen(&breaker, at: at(2010)))
        #expect(breaker.record(.success, at: at(2020)) == .closed)
        #expect(check(&breaker) { $0.allowsEntries(at: at(2021)) })
    }

    @Test("one 403 opens it at once")
    func forbidden() {
        var breaker = VenueCircuitBreaker(failureThreshold: 10, probeAfterMs: 1000)
        #expect(breaker.record(.forbidden("HTTP 403"), at: at(0)) == .opened(reason: "HTTP 403"))
        #expect(!check(&breaker) { $0.allowsEntries(at: at(1)) })
    }

    @Test("venue orders Keel does not know are orphans, except the venue's own reduce-only TP/SL orders")
    func orphans() {
        let known = VenueOpenOrder(venueOrderID: "v1", clientOrderID: "keel-1", symbol: btc, side: .buy, quantity: qty("1"), reduceOnly: false)
        let byHand = VenueOpenOrder(venueOrderID: "v2", clientOrderID: "", symbol: btc, side: .sell, quantity: qty("1"), reduceOnly: false)
        let venueStop = VenueOpenOrder(venueOrderID: "v3", clientOrderID: "", symbol: btc, side: .sell, quantity: qty("1"), reduceOnly: true)
        let found = Reconciliation.unknownOrders([known, byHand, venueStop]) { $0.clientOrderID == "keel-1" }
        #expect(found == [.unknownOrder(byHand)])
    }

    @Test("a venue position that differs from what the fills add up to is a discrepancy")
    func positionDifference() throws {
        var fills = PositionAccount()
        try fills.apply(fill("1", .buy, "1", at: "100"))
        let same = try Position(symbol: btc, side: .buy, size: qty("1"), averageEntryPrice: price("100"), realisedPnL: .zero, leverage: FixedPoint(integer: 5))
        #expect(Reconciliation.positionDifference(recorded: fills, venue: same) == nil)
        let flat = try Position.flat(symbol: btc, leverage: FixedPoint(integer: 5))
        #expect(Reconciliation.positionDifference(recorded: fills, venue: flat)?.kind == "position_differs")
    }

    /// Whether the breaker waits for its probe at `now` (it turns half-open once the wait is over).
    private func halfOpen(_ breaker: inout VenueCircuitBreaker, at now: Timestamp) -> Bool {
        _ = breaker.allowsEntries(at: now)
        if case .halfOpen = breaker.state { return true }
        return false
    }

    /// Runs a mutating query outside `#expect`, which cannot call mutating members.
    private func check(_ breaker: inout VenueCircuitBreaker, _ query: (inout VenueCircuitBreaker) -> Bool) -> Bool {
        query(&breaker)
    }
}
