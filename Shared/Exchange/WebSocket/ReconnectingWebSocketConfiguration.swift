import Core

/// How a `ReconnectingWebSocket` connects, keeps alive, detects a dead link and subscribes.
public struct ReconnectingWebSocketConfiguration: Sendable {
    /// `ws://` or `wss://` URL.
    public var url: String
    /// The application-level heartbeat and how often it is sent (Bybit: `{"op":"ping"}` every 20 s).
    public var pingMessage: String
    public var pingInterval: Duration
    /// A connection on which nothing at all (pongs included) arrives for this long is dead:
    /// it is closed and reconnected.
    public var deadAfter: Duration
    /// Waits between reconnects (each drawn from the upper half of its ceiling, as jitter).
    public var backoff: Backoff
    /// The largest frame read; a 1,000-level book snapshot is about 40 kB.
    public var maxFrameSize: Int
    /// The subscribe/unsubscribe frame for a batch of topics (`op` is "subscribe" or "unsubscribe").
    public var subscriptionFrame: @Sendable (_ op: String, _ topics: [String]) -> String
    /// The most characters of topics in one subscribe frame (Bybit: 21,000 in `args`).
    public var maxArgsCharacters: Int
    /// Dimensions of the `keel_exchange_ws_reconnects_total` counter, e.g. venue and stream.
    public var metricDimensions: [(String, String)]
    /// Told of every reconnect (e.g. to spot a reconnect storm); must return at once.
    public var onReconnect: @Sendable () -> Void

    public init(
        url: String,
        pingMessage: String = #"{"op":"ping"}"#,
        pingInterval: Duration = .seconds(20),
        deadAfter: Duration = .seconds(45),
        backoff: Backoff = Backoff(initial: .milliseconds(200), maximum: .seconds(10)),
        maxFrameSize: Int = 1 << 24,
        subscriptionFrame: @escaping @Sendable (String, [String]) -> String = bybitSubscriptionFrame,
        maxArgsCharacters: Int = 21_000,
        metricDimensions: [(String, String)] = [],
        onReconnect: @escaping @Sendable () -> Void = {}
    ) {
        self.url = url
        self.pingMessage = pingMessage
        self.pingInterval = pingInterval
        self.deadAfter = deadAfter
        self.backoff = backoff
        self.maxFrameSize = maxFrameSize
        self.subscriptionFrame = subscriptionFrame
        self.maxArgsCharacters = maxArgsCharacters
        self.metricDimensions = metricDimensions
        self.onReconnect = onReconnect
    }
}

/// Bybit's `{"op":"subscribe","args":[…]}` (or `unsubscribe`).
public func bybitSubscriptionFrame(op: String, topics: [String]) -> String {
    "{\"op\":\(jsonString(op)),\"args\":[\(topics.map(jsonString).joined(separator: ","))]}"
}

/// `topics` split into consecutive batches of at most `maxCharacters` characters of topic text
/// each (a topic longer than that goes alone).
func topicBatches(_ topics: [String], maxCharacters: Int) -> [[String]] {
    var batches: [[String]] = []
    var current: [String] = []
    var length = 0
    for topic in topics {
        if !current.isEmpty && length + topic.count > maxCharacters {
            batches.append(current)
            current = []
            length = 0
        }
        current.append(topic)
        length += topic.count
    }
    if !current.isEmpty { batches.append(current) }
    return batches
}
