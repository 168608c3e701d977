import Core

/// The venue's health as execution sees it. After `failureThreshold` failed requests in a row,
/// or at once on an HTTP 403 (the venue has shut this IP out), the breaker opens: no new
/// entries, while exits and protection keep being managed. After `probeAfterMs` one request
/// probes the venue (half-open); a success closes the breaker, a failure opens it again.
public struct VenueCircuitBreaker: Sendable, Hashable {
    public enum State: Sendable, Hashable {
        case closed(consecutiveFailures: Int)
        case open(since: Timestamp, reason: String)
        case halfOpen(reason: String)
    }

    /// What a request's outcome says about the venue.
    public enum Outcome: Sendable, Hashable {
        case success
        /// A failure that says nothing about the venue (the order broke a rule, was refused).
        case refused
        /// The venue or the way to it failed: timeout, 5xx, rate limit, lost connection.
        case failure(String)
        /// HTTP 403: shut out.
        case forbidden(String)
    }

    /// What a change of state means for operators.
    public enum Transition: Sendable, Hashable {
        case opened(reason: String)
        case closed
    }

    public let failureThreshold: Int
    public let probeAfterMs: Int64
    public private(set) var state: State = .closed(consecutiveFailures: 0)

    public init(failureThreshold: Int, probeAfterMs: Int64) {
        self.failureThreshold = max(1, failureThreshold)
        self.probeAfterMs = max(0, probeAfterMs)
    }

    /// Whether new entries may be placed at `now`; an open breaker past its wait turns
    /// half-open, letting the next request probe.
    public mutating func allowsEntries(at now: Timestamp) -> Bool {
        switch state {
        case .closed: return true
        case .halfOpen: return false
        case .open(let since, let reason):
            if now >= since.adding(milliseconds: probeAfterMs) { state = .halfOpen(reason: reason) }
            return false
        }
    }

    public var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }

    /// Records a request's outcome; returns the transition it caused, if any.
    public mutating func record(_ outcome: Outcome, at now: Timestamp) -> Transition? {
        switch (outcome, state) {
        case (.refused, _):
            return nil
        case (.success, .closed):
            state = .closed(consecutiveFailures: 0)
            return nil
        case (.success, _):
            state = .closed(consecutiveFailures: 0)
            return .closed
        case (.forbidden(let reason), .closed):
            state = .open(since: now, reason: reason)
            return .opened(reason: reason)
        case (.failure(let reason), .closed(let failures)):
            guard failures + 1 >= failureThreshold else {
                state = .closed(consecutiveFailures: failures + 1)
                return nil
            }
            let why = "\(failures + 1) venue requests failed in a row; last: \(reason)"
            state = .open(since: now, reason: why)
            return .opened(reason: why)
        case (.failure(let reason), _), (.forbidden(let reason), _):
            // A failed probe (or a failure while open) starts the wait again.
            state = .open(since: now, reason: reason)
            return nil
        }
    }
}
