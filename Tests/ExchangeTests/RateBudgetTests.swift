import Exchange
import Testing

/// The budget's per-account (UID) limits, without a server: acquire/release pairs only.
@Suite("RateBudget per-account limits")
struct RateBudgetTests {
    /// Runs `count` acquire/release pairs for `account` on `endpoint`, one after another.
    func cycle(_ budget: RateBudget, _ count: Int, endpoint: String, account: String?) async throws {
        for _ in 0..<count {
            try await budget.acquire(endpoint: endpoint, account: account)
            await budget.release(endpoint: endpoint, account: account)
        }
    }

    @Test func anAccountWaitsForItsRollingSecond() async throws {
        let budget = RateBudget(configuration: .init(accountLimits: ["/v5/order/create": 5]))
        let began = ContinuousClock.now
        // 5 fit in the first second; the 6th waits until the first stops counting.
        try await cycle(budget, 6, endpoint: "/v5/order/create", account: "key-a")
        #expect(ContinuousClock.now - began >= .seconds(1))
    }

    @Test func accountsAndUnsignedRequestsDoNotShareTheLimit() async throws {
        let budget = RateBudget(configuration: .init(accountLimits: ["/v5/order/create": 5]))
        try await cycle(budget, 5, endpoint: "/v5/order/create", account: "key-a")
        let began = ContinuousClock.now
        try await cycle(budget, 5, endpoint: "/v5/order/create", account: "key-b")
        try await cycle(budget, 20, endpoint: "/v5/order/create", account: nil)
        try await cycle(budget, 20, endpoint: "/v5/market/tickers", account: "key-a")
        // None of these had to wait for key-a's full second.
        #expect(ContinuousClock.now - began < .milliseconds(900))
    }

    @Test func aBlockAppliesToOneAccount() async throws {
        let budget = RateBudget()
        await budget.block(endpoint: "/v5/order/create", account: "key-a", for: .seconds(30))
        let began = ContinuousClock.now
        try await cycle(budget, 1, endpoint: "/v5/order/create", account: "key-b")
        #expect(ContinuousClock.now - began < .milliseconds(900))
        let blocked = Task { try await budget.acquire(endpoint: "/v5/order/create", account: "key-a") }
        try await Task.sleep(for: .milliseconds(200))
        blocked.cancel()
        await #expect(throws: CancellationError.self) { try await blocked.value }
    }
}
