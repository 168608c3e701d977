import Bus
import Core
import Schemas
import Store

/// One place alerts and trade notices go: a channel's recipient, with its own threshold.
public struct NoticeTarget: Sendable, Hashable {
    public let channel: String
    public let recipient: String
    /// Alerts below this severity are not sent.
    public let minimumSeverity: Keel_V1_Severity
    /// Entries, exits, venue closes and rejections are sent too.
    public let tradeNotices: Bool

    public init(channel: String, recipient: String, minimumSeverity: Keel_V1_Severity, tradeNotices: Bool) {
        self.channel = channel
        self.recipient = recipient
        self.minimumSeverity = minimumSeverity
        self.tradeNotices = tradeNotices
    }
}

/// Puts alerts and trade notices into the outbox for every target that wants them, once per
/// event (the alert id, the order or fill id) however often Kafka delivers it.
public struct NoticeRouter: Sendable {
    public let outbox: Outbox
    public let targets: [NoticeTarget]
    let notices: TradeNotices
    let clock: any TradingClock

    public init(outbox: Outbox, targets: [NoticeTarget], clock: any TradingClock = LiveClock()) {
        self.outbox = outbox
        self.targets = targets
        notices = TradeNotices(pool: outbox.pool)
        self.clock = clock
    }

    public func notify(_ alert: Keel_V1_Alert) async throws {
        let text = Self.text(of: alert)
        for target in targets where Self.rank(alert.severity) >= Self.rank(target.minimumSeverity) {
            try await outbox.enqueue(
                channel: target.channel, recipient: target.recipient, dedupeKey: "alert:" + alert.alertID, text: text, at: clock.now())
        }
    }

    /// Queues a report every target gets, whatever its thresholds (the daily summary), once
    /// per `key`.
    public func broadcast(key: String, text: String) async throws {
        for target in targets {
            try await outbox.enqueue(channel: target.channel, recipient: target.recipient, dedupeKey: key, text: text, at: clock.now())
        }
    }

    /// The notice of an execution or risk message (see `TradeNotices`), if it makes one.
    public func notice(_ message: ConsumedMessage) async throws {
        let interested = targets.filter(\.tradeNotices)
        guard !interested.isEmpty, let notice = try await notices.notice(for: message) else { return }
        for target in interested {
            try await outbox.enqueue(
                channel: target.channel, recipient: target.recipient, dedupeKey: notice.key, text: notice.text, at: clock.now())
        }
    }

    static func text(of alert: Keel_V1_Alert) -> String {
        let mark = switch alert.severity {
        case .critical: "🛑"
        case .error: "❗"
        case .warning: "⚠️"
        default: "ℹ️"
        }
        return "\(mark) \(alert.title)\(alert.hasSymbol ? " · \(alert.symbol)" : "")\n\(alert.text)"
    }

    static func rank(_ severity: Keel_V1_Severity) -> Int {
        switch severity {
        case .critical: 4
        case .error: 3
        case .warning: 2
        case .info: 1
        default: 0
        }
    }
}
