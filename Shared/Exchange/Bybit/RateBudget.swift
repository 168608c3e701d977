/// A request budget shared by every client that sends from one IP: Bybit's IP window (600
/// requests per 5 s; going over earns HTTP 403 and a ban) and the per-endpoint budgets Bybit
/// reports in `X-Bapi-Limit-Status` / `X-Bapi-Limit-Reset-Timestamp`.
///
/// The IP window is kept conservatively: a request counts from when it is sent until one
/// window after its response arrived, so however the network reorders arrivals the server
/// never sees more than `ipLimit` requests in any window. An endpoint whose last reply said 0
/// requests remain gets nothing until its reset time. After a 403 every request is refused
/// for `forbiddenCoolDown`. Signed requests also keep to Bybit's per-account (UID) limits per
/// endpoint, counted the same conservative way over a rolling second.
public actor RateBudget {
    public struct Configuration: Sendable {
        public var ipLimit: Int
        public var ipWindow: Duration
        /// How long all requests stop after an HTTP 403 (Bybit says at least 10 minutes).
        public var forbiddenCoolDown: Duration
        /// Requests per second per account and endpoint path (Bybit's UID limits).
        public var accountLimits: [String: Int]

        public init(
            ipLimit: Int = 600, ipWindow: Duration = .seconds(5), forbiddenCoolDown: Duration = .seconds(600),
            accountLimits: [String: Int] = RateBudget.bybitAccountLimits
        ) {
            precondition(ipLimit > 0 && ipWindow > .zero, "a rate budget needs a positive limit and window")
            precondition(accountLimits.values.allSatisfy { $0 > 0 }, "account limits must be positive")
            self.ipLimit = ipLimit
            self.ipWindow = ipWindow
            self.forbiddenCoolDown = forbiddenCoolDown
            self.accountLimits = accountLimits
        }
    }

    /// Bybit's per-UID limits for linear trading (requests per second).
    public static let bybitAccountLimits: [String: Int] = [
        "/v5/order/create": 10, "/v5/order/amend": 10, "/v5/order/cancel": 10,
        "/v5/order/realtime": 50, "/v5/execution/list": 50, "/v5/position/list": 50, "/v5/account/wallet-balance": 50,
        "/v5/position/set-leverage": 10, "/v5/position/trading-stop": 10, "/v5/user/query-api": 10,
    ]

    /// Refusal to send: the IP is in its 403 cool-down.
    public struct Forbidden: Error, Sendable, CustomStringConvertible {
        public let remaining: Duration
        public var description: String { "IP rate limit exceeded (HTTP 403): all requests stopped for another \(remaining)" }
    }

    public nonisolated let configuration: Configuration
    private var ip: SlidingWindowBudget
    /// Per account and endpoint, keyed by `key(endpoint:account:)`.
    private var accounts: [String: SlidingWindowBudget] = [:]
    private var endpointBlockedUntil: [String: ContinuousClock.Instant] = [:]
    private var forbiddenUntil: ContinuousClock.Instant?
    /// Time spent waiting for the budget, summed over all requests.
    public private(set) var totalWait: Duration = .zero

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.ip = SlidingWindowBudget(limit: configuration.ipLimit, window: configuration.ipWindow)
    }

    private func key(endpoint: String, account: String?) -> String {
        account.map { $0 + " " + endpoint } ?? endpoint
    }

    /// Waits until a request to `endpoint` may be sent and counts it as in flight. `account`
    /// (the API key of a signed request) applies that account's per-endpoint limit. Every
    /// successful `acquire` must be followed by one `release` with the same arguments. Throws
    /// `Forbidden` during a 403 cool-down and `CancellationError` when the task is cancelled.
    public func acquire(endpoint: String, account: String? = nil) async throws {
        let began = ContinuousClock.now
        defer { totalWait += ContinuousClock.now - began }
        let key = key(endpoint: endpoint, account: account)
        let accountLimit = account == nil ? nil : configuration.accountLimits[endpoint]
        while true {
            try Task.checkCancellation()
            let now = ContinuousClock.now
            if let until = forbiddenUntil {
                if until > now { throw Forbidden(remaining: until - now) }
                forbiddenUntil = nil
            }
            if let until = endpointBlockedUntil[key] {
                if until > now {
                    try await Task.sleep(until: until, clock: .continuous)
                    continue
                }
                endpointBlockedUntil[key] = nil
            }
            if let limit = accountLimit {
                var window = accounts[key] ?? SlidingWindowBudget(limit: limit, window: .seconds(1))
                let retryAt = window.nextOpening(now: now)
                accounts[key] = window
                if let retryAt {
                    try await Task.sleep(until: retryAt, clock: .continuous)
                    continue
                }
            }
            if let retryAt = ip.nextOpening(now: now) {
                try await Task.sleep(until: retryAt, clock: .continuous)
                continue
            }
            ip.take()
            if accountLimit != nil { accounts[key]?.take() }
            return
        }
    }

    /// Ends a request begun with `acquire`. `remaining` and `resetIn` come from the reply's
    /// `X-Bapi-Limit-Status` and `X-Bapi-Limit-Reset-Timestamp` (converted to a delay), when sent.
    public func release(endpoint: String, account: String? = nil, remaining: Int? = nil, resetIn: Duration? = nil) {
        let now = ContinuousClock.now
        let key = key(endpoint: endpoint, account: account)
        ip.finish(now: now)
        accounts[key]?.finish(now: now)
        if let remaining, remaining <= 0, let resetIn, resetIn > .zero {
            block(endpoint: endpoint, account: account, for: resetIn)
        }
    }

    /// Stops requests to `endpoint` (for `account`) for `duration`: after a 10006 or a zero `Limit-Status`.
    public func block(endpoint: String, account: String? = nil, for duration: Duration) {
        let key = key(endpoint: endpoint, account: account)
        let until = ContinuousClock.now + duration
        if let current = endpointBlockedUntil[key], current >= until { return }
        endpointBlockedUntil[key] = until
    }

    /// Records an HTTP 403: every request is refused for the configured cool-down. Returns true
    /// when this 403 began a cool-down (so it is alerted once, not once per request in flight).
    @discardableResult
    public func markForbidden() -> Bool {
        let began = !isForbidden
        forbiddenUntil = ContinuousClock.now + configuration.forbiddenCoolDown
        return began
    }

    /// True while the IP is in its 403 cool-down.
    public var isForbidden: Bool {
        guard let until = forbiddenUntil else { return false }
        return until > ContinuousClock.now
    }
}

/// A limit of `limit` requests per rolling `window`, counted conservatively: a request counts
/// from when it is sent until one window after its reply arrived, so however the network
/// reorders arrivals the server never sees more than `limit` in any window.
struct SlidingWindowBudget: Sendable {
    let limit: Int
    let window: Duration
    private var inFlight = 0
    /// When each finished request stops counting, oldest first.
    private var expiries: [ContinuousClock.Instant] = []
    private var head = 0

    init(limit: Int, window: Duration) {
        self.limit = limit
        self.window = window
    }

    /// nil when a request may be sent now; otherwise when to look again.
    mutating func nextOpening(now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        while head < expiries.count, expiries[head] <= now { head += 1 }
        if head > 1024, head * 2 > expiries.count {
            expiries.removeFirst(head)
            head = 0
        }
        if inFlight + (expiries.count - head) < limit { return nil }
        // With every counted request still in flight, look again shortly.
        return head < expiries.count ? expiries[head] : now + .milliseconds(2)
    }

    /// Counts a request as sent (after `nextOpening` returned nil).
    mutating func take() { inFlight += 1 }

    mutating func finish(now: ContinuousClock.Instant) {
        inFlight -= 1
        expiries.append(now + window)
    }
}
