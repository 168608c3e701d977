import Bus
import Core
import Logging
import Schemas
import Synchronization

/// When reconnecting is a storm: more than `maxReconnects` within `windowMs`.
public struct ReconnectStormPolicy: Sendable, Hashable {
    public let maxReconnects: Int
    public let windowMs: Int64

    public init(maxReconnects: Int, windowMs: Int64) {
        self.maxReconnects = maxReconnects
        self.windowMs = windowMs
    }
}

/// A storm as it starts: how many reconnects the window held, from when.
public struct ReconnectStorm: Sendable, Hashable {
    public let reconnects: Int
    public let since: Timestamp
    public let at: Timestamp
}

/// Finds reconnect storms in a stream of reconnect times: reports a storm once when it starts,
/// and again only after a whole window without a reconnect has ended it.
public struct ReconnectStormDetector: Sendable {
    public let policy: ReconnectStormPolicy
    /// Reconnect times within the window of the latest, oldest first.
    private var recent: [Timestamp] = []
    private var inStorm = false

    public init(policy: ReconnectStormPolicy) {
        self.policy = policy
    }

    /// Records a reconnect at `time`; the storm when this one starts it, else nil.
    public mutating func reconnected(at time: Timestamp) -> ReconnectStorm? {
        if let last = recent.last, time.milliseconds - last.milliseconds >= policy.windowMs { inStorm = false }
        recent.append(time)
        recent.removeAll { time.milliseconds - $0.milliseconds >= policy.windowMs }
        guard !inStorm, recent.count > policy.maxReconnects else { return nil }
        inStorm = true
        return ReconnectStorm(reconnects: recent.count, since: recent[0], at: time)
    }
}

/// Publishes one `ops.alerts.v1` warning per reconnect storm of an exchange WebSocket. The
/// alert id names the service, the stream and the window the storm began in, so instances of
/// one service caught in the same venue outage send one message between them.
public final class ReconnectStormAlerts: Sendable {
    private let instance: ServiceInstance
    private let stream: String
    private let detector: Mutex<ReconnectStormDetector>
    private let producer: KafkaProducer
    private let clock: any TradingClock
    private let logger: Logger

    public init(
        instance: ServiceInstance, stream: String, policy: ReconnectStormPolicy, producer: KafkaProducer,
        clock: any TradingClock = LiveClock(), logger: Logger
    ) {
        self.instance = instance
        self.stream = stream
        detector = Mutex(ReconnectStormDetector(policy: policy))
        self.producer = producer
        self.clock = clock
        self.logger = logger
    }

    /// Called by the WebSocket on every reconnect; never blocks it.
    public func reconnected() {
        guard let storm = detector.withLock({ $0.reconnected(at: clock.now()) }) else { return }
        let alert = Self.alert(for: storm, instance: instance, stream: stream, policy: detector.withLock { $0.policy })
        logger.warning("\(alert.title): \(alert.text)")
        let (producer, logger, key) = (self.producer, self.logger, Array(instance.service.utf8))
        Task {
            do {
                _ = try await producer.send(OutgoingMessage(topic: Topic.opsAlerts.rawValue, key: key, value: try alert.serializedBytes()))
            } catch {
                logger.error("could not publish the reconnect storm alert", metadata: ["error": "\(error)"])
            }
        }
    }

    public static func alert(for storm: ReconnectStorm, instance: ServiceInstance, stream: String, policy: ReconnectStormPolicy) -> Keel_V1_Alert {
        let window = Self.text(milliseconds: policy.windowMs)
        return Keel_V1_Alert(
            id: "\(instance.service):reconnect-storm:\(stream):\(storm.since.milliseconds / policy.windowMs)",
            severity: .warning, source: instance.service, title: "Exchange WebSocket reconnect storm",
            text: "\(instance.service)'s \(stream) exchange WebSocket reconnected \(storm.reconnects) times within \(window) "
                + "(instance \(instance.id)). The venue or the network is unstable; Keel keeps reconnecting and warns again "
                + "only after \(window) without a reconnect.",
            labels: ["stream": stream, "instance": instance.id, "reconnects": String(storm.reconnects)], at: storm.at)
    }

    /// "5 min", "90 s".
    static func text(milliseconds: Int64) -> String {
        milliseconds % 60_000 == 0 ? "\(milliseconds / 60_000) min" : "\(milliseconds / 1000) s"
    }
}
