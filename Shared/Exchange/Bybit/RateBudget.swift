/// A request budget shared by every client that sends from one IP: Bybit's IP window (600
/// requests per 5 s; going over earns HTTP 403 and a ban) and the per-endpoint budgets Bybit
/// reports in `X-Bapi-Limit-Status` / `X-Bapi-Limit-Reset-Timestamp`.
///
/// The IP window is kept conservatively: a request counts from when it is sent until one
/// window after its response arrived, so however the network reorders arrivals the server
/// never sees more than `ipLimit` requests in any window. An endpoint whose last reply said 0
/// requests remain gets nothing until its reset time. After a 403 every request is refused
/// for `forbiddenCoolDown`.
public actor RateBudget {
    public struct Configuration: Sendable {
        public var ipLimit: Int
        public var ipWindow: Duration
        /// How long all requests stop after an HTTP 403 (Bybit says at least 10 minutes).
        public var forbiddenCoolDown: Duration

        public init(ipLimit: Int = 600, ipWindow: Duration = .seconds(5), forbiddenCoolDown: Duration = .seconds(600)) {
            precondition(ipLimit > 0 && ipWindow > .zero, "a rate budget needs a positive limit and window")
            self.ipLimit = ipLimit
            self.ipWindow = ipWindow
            self.forbiddenCoolDown = forbiddenCoolDown
        }
    }

    /// Refusal to send: the IP is in its 403 cool-down.
    public struct Forbidden: Error, Sendable, CustomStringConvertible {
        public let remaining: Duration
        public var description: String { "IP rate limit exceeded (HTTP 403): all requests stopped for another \(remaining)" }
    }

    public nonisolated let configuration: Configuration
    private var inFlight = 0
    /// When each finished request stops counting, oldest first.
    private var expiries: [ContinuousClock.Instant] = []
    private var head = 0
    private var endpointBlockedUntil: [String: ContinuousClock.Instant] = [:]
    private var forbiddenUntil: ContinuousClock.Instant?
    /// Time spent waiting for the budget, summed over all requests.
    public private(set) var totalWait: Duration = .zero

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    private func expire(now: ContinuousClock.Instant) {
        while head < expiries.count, expiries[head] <= now { head += 1 }
        if head > 1024, head * 2 > expiries.count {
            expiries.removeFirst(head)
            head = 0
        }
    }

    /// Waits until a request to `endpoint` may be sent and counts it as in flight. Every
    /// successful `acquire` must be followed by one `release`. Throws `Forbidden` during a
    /// 403 cool-down and `CancellationError` when the task is cancelled.
    public func acquire(endpoint: String) async throws {
        let began = ContinuousClock.now
        defer { totalWait += ContinuousClock.now - began }
        while true {
            try Task.checkCancellation()
            let now = ContinuousClock.now
            if let until = forbiddenUntil {
                if until > now { throw Forbidden(remaining: until - now) }
                forbiddenUntil = nil
            }
            if let until = endpointBlockedUntil[endpoint] {
                if until > now {
                    try await Task.sleep(until: until, clock: .continuous)
                    continue
                }
                endpointBlockedUntil[endpoint] = nil
            }
            expire(now: now)
            if inFlight + (expiries.count - head) < configuration.ipLimit {
                inFlight += 1
                return
            }
            if head < expiries.count {
                try await Task.sleep(until: expiries[head], clock: .continuous)
            } else {
                // Every counted request is still in flight: look again shortly.
                try await Task.sleep(for: .milliseconds(2))
            }
        }
    }

    /// Ends a request begun with `acquire`. `remaining` and `resetIn` come from the reply's
    /// `X-Bapi-Limit-Status` and `X-Bapi-Limit-Reset-Timestamp` (converted to a delay), when sent.
    public func release(endpoint: String, remaining: Int? = nil, resetIn: Duration? = nil) {
        let now = ContinuousClock.now
        inFlight -= 1
        expiries.append(now + configuration.ipWindow)
        if let remaining, remaining <= 0, let resetIn, resetIn > .zero {
            block(endpoint: endpoint, for: resetIn)
        }
    }

    /// Stops requests to `endpoint` for `duration` (after a 10006 or a zero `Limit-Status`).
    public func block(endpoint: String, for duration: Duration) {
        let until = ContinuousClock.now + duration
        if let current = endpointBlockedUntil[endpoint], current >= until { return }
        endpointBlockedUntil[endpoint] = until
    }

    /// Records an HTTP 403: every request is refused for the configured cool-down.
    public func markForbidden() {
        forbiddenUntil = ContinuousClock.now + configuration.forbiddenCoolDown
    }

    /// True while the IP is in its 403 cool-down.
    public var isForbidden: Bool {
        guard let until = forbiddenUntil else { return false }
        return until > ContinuousClock.now
    }
}
