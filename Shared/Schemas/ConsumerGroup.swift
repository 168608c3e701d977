/// The consumer groups through which instances of a service share the work, and the topics each
/// reads. (Groups private to one instance, like risk's portfolio feed, are not listed: nothing
/// is shared through them.) `keel status` and the notifier's service health report the lag of these.
public enum ConsumerGroup: String, CaseIterable, Sendable {
    case signals = "keel-signals"
    case risk = "keel-risk"
    case execution = "keel-execution"
    case notifier = "keel-notifier"

    public var name: String { rawValue }

    public var topics: [Topic] {
        switch self {
        case .signals: [.mdCandles]
        case .risk: [.signalsIntents]
        case .execution: [.riskOrders]
        case .notifier: [.opsAlerts, .execOrders, .execFills, .riskRejections]
        }
    }

    public var topicNames: [String] { topics.map(\.rawValue) }
}
