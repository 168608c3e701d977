import Bus
import Config
import Core
import Logging
import Schemas

/// The webhooks side of the notifier: alerts and trade notices into the outbox for every
/// webhook that wants them, and the outbox delivered with the same retry as Telegram.
public struct Webhooks: Sendable {
    public static let channel = "webhook"

    public struct Target: Sendable, Hashable {
        public let webhook: WebhookClient.Webhook
        public let minimumSeverity: Keel_V1_Severity
        public let tradeNotices: Bool

        public init(webhook: WebhookClient.Webhook, minimumSeverity: Keel_V1_Severity, tradeNotices: Bool) {
            self.webhook = webhook
            self.minimumSeverity = minimumSeverity
            self.tradeNotices = tradeNotices
        }
    }

    public let router: NoticeRouter
    public let courier: Courier

    public init(
        targets: [Target], outbox: Outbox, client: WebhookClient = WebhookClient(), policy: DeliveryPolicy = DeliveryPolicy(),
        clock: any TradingClock = LiveClock(), logger: Logger
    ) {
        router = NoticeRouter(outbox: outbox, targets: targets.map {
            NoticeTarget(channel: Self.channel, recipient: $0.webhook.name, minimumSeverity: $0.minimumSeverity, tradeNotices: $0.tradeNotices)
        }, clock: clock)
        let byName = Dictionary(uniqueKeysWithValues: targets.map { ($0.webhook.name, $0.webhook) })
        courier = Courier(channel: Self.channel, outbox: outbox, policy: policy, clock: clock, logger: logger) { text, name in
            guard let webhook = byName[name] else { return .refused("webhook \(name) is no longer configured") }
            return await client.send(text, to: webhook)
        }
    }

    public func notify(_ alert: Keel_V1_Alert) async throws { try await router.notify(alert) }
    public func notice(_ message: ConsumedMessage) async throws { try await router.notice(message) }
    public func broadcast(key: String, text: String) async throws { try await router.broadcast(key: key, text: text) }
    @discardableResult
    public func deliver() async throws -> Int { try await courier.deliver() }
}

extension Webhooks.Target {
    /// The target of one configured webhook.
    public init(_ config: WebhookConfig) {
        let format: WebhookClient.Format = switch config.format {
        case .json: .json
        case .discord: .discord
        case .slack: .slack
        }
        self.init(
            webhook: WebhookClient.Webhook(name: config.name, url: config.url, format: format, secret: config.secret),
            minimumSeverity: Keel_V1_Severity(config.minimumSeverity), tradeNotices: config.tradeNotices)
    }
}

extension Keel_V1_Severity {
    /// The alert severity a configured threshold names.
    init(_ severity: TelegramConfig.Severity) {
        self = switch severity {
        case .info: .info
        case .warning: .warning
        case .error: .error
        case .critical: .critical
        }
    }
}
