import Core

/// How the outbox delivers to one recipient (a Telegram chat, a webhook): at most one send per
/// `minimumInterval`, queued messages joined into one up to `maximumLength` characters (a burst
/// of events is one message, not a flood), and after a failure a wait that doubles from
/// `initialBackoffMs` up to `maximumBackoffMs` — or exactly what the recipient asked for
/// (Telegram's 429 `retry_after`).
public struct DeliveryPolicy: Sendable, Hashable {
    public var minimumIntervalMs: Int64
    public var maximumLength: Int
    public var initialBackoffMs: Int64
    public var maximumBackoffMs: Int64

    public init(minimumIntervalMs: Int64 = 1000, maximumLength: Int = 4096, initialBackoffMs: Int64 = 1000, maximumBackoffMs: Int64 = 300_000) {
        self.minimumIntervalMs = minimumIntervalMs
        self.maximumLength = maximumLength
        self.initialBackoffMs = initialBackoffMs
        self.maximumBackoffMs = maximumBackoffMs
    }

    /// The wait after the `attempts`-th failure in a row (1 for the first).
    public func backoffMs(afterAttempts attempts: Int) -> Int64 {
        let doublings = min(max(attempts - 1, 0), 30)
        return min(maximumBackoffMs, initialBackoffMs << Int64(doublings))
    }

    /// The leading messages of `queue` (oldest first) that go out together: as many as fit in
    /// `maximumLength` joined by blank lines; always at least the first (cut to the length).
    public func batch(_ queue: [OutboxMessage]) -> (ids: [Int64], text: String) {
        guard let first = queue.first else { return ([], "") }
        var ids = [first.id]
        var text = String(first.text.prefix(maximumLength))
        for message in queue.dropFirst() {
            let joined = text.count + 2 + message.text.count
            guard joined <= maximumLength else { break }
            text += "\n\n" + message.text
            ids.append(message.id)
        }
        return (ids, text)
    }
}

/// One message waiting in the outbox.
public struct OutboxMessage: Sendable, Hashable {
    public let id: Int64
    public let recipient: String
    public let text: String
    public let attempts: Int

    public init(id: Int64, recipient: String, text: String, attempts: Int) {
        self.id = id
        self.recipient = recipient
        self.text = text
        self.attempts = attempts
    }
}

/// What a delivery attempt came to.
public enum DeliveryOutcome: Sendable, Hashable {
    case delivered
    /// The recipient asked to wait (HTTP 429 with `retry_after`).
    case retryAfter(seconds: Int64)
    /// Failed for now (down, timeout, 5xx): back off and try again.
    case failed(String)
    /// Refused for good (a chat that does not exist, a bot that was blocked): not retried.
    case refused(String)
}
