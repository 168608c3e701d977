import Core

/// The notifier's outside channels.
public struct NotifierConfig: Sendable, Equatable {
    /// Telegram: nil when `notifier.telegram.enabled` is false.
    public var telegram: TelegramConfig?
    /// Webhooks by name (`notifier.webhooks.<name>`), those enabled.
    public var webhooks: [WebhookConfig]
    /// The dashboard and REST API's bearer tokens.
    public var api: NotifierAPIConfig
    public var health: ServiceWatchConfig
    public var dailySummary: DailySummaryConfig
}

/// The API's tokens (secrets): one that may read, one that may also command.
public struct NotifierAPIConfig: Sendable, Equatable {
    public var readToken: Secret?
    public var operatorToken: Secret?
}

/// One webhook: where it posts, in which shape, signed with which secret.
public struct WebhookConfig: Sendable, Equatable {
    public enum Format: String, Sendable, CaseIterable { case json, discord, slack }

    public var name: String
    public var url: String
    public var format: Format
    /// Signs the generic JSON (`X-Keel-Signature`); nil: unsigned.
    public var secret: Secret?
    public var minimumSeverity: TelegramConfig.Severity
    public var tradeNotices: Bool
}

/// The Telegram bot: its token (a secret), the chats that may command Keel and the chats that
/// get alerts, and how often it sends and polls.
public struct TelegramConfig: Sendable, Equatable {
    public enum Severity: String, Sendable, CaseIterable { case info, warning, error, critical }

    public var baseURL: String
    public var botToken: Secret
    public var operatorChats: [Int64]
    public var alertChats: [Int64]
    public var minimumSeverity: Severity
    /// At most one message per chat this often (Telegram allows about one per second).
    public var minimumIntervalMs: Int
    /// How often the outbox is delivered and commands are read.
    public var pollIntervalMs: Int
    /// Entries, exits, venue closes and risk rejections go to the alert chats too.
    public var tradeNotices: Bool
}

extension NotifierConfig {
    init(reading reader: ConfigReader, runtime: RuntimeConfig) throws {
        api = NotifierAPIConfig(
            readToken: try reader.secret("notifier.api.read_token"), operatorToken: try reader.secret("notifier.api.operator_token"))
        health = try ServiceWatchConfig(reading: reader, heartbeatIntervalMs: runtime.heartbeatIntervalMs)
        dailySummary = try DailySummaryConfig(reading: reader)
        // A disabled webhook is still read and checked, so deployments can ship one ready to switch on.
        webhooks = try reader.childNames(of: "notifier.webhooks").sorted().compactMap { name in
            let field = "notifier.webhooks.\(name)"
            let enabled = try reader.bool(field + ".enabled", default: true)
            let url = try reader.string(field + ".url")
            guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                throw ConfigError(field: field + ".url", reason: "must be an http:// or https:// URL")
            }
            let webhook = WebhookConfig(
                name: name, url: url, format: try reader.choice(field + ".format", default: .json), secret: try reader.secret(field + ".secret"),
                minimumSeverity: try reader.choice(field + ".min_severity", default: .warning),
                tradeNotices: try reader.bool(field + ".trade_notices", default: true))
            return enabled ? webhook : nil
        }
        // Every field is read (and checked) even when the bot is off, so a typo still stops start-up.
        let enabled = try reader.bool("notifier.telegram.enabled", default: false)
        let token = try reader.secret("notifier.telegram.bot_token")
        func chats(_ field: String) throws -> [Int64] {
            try reader.list(field, default: []).map { text in
                guard let chat = Int64(text) else { throw ConfigError(field: field, reason: "\"\(text)\" is not a Telegram chat id (a whole number)") }
                return chat
            }
        }
        let baseURL = try reader.string("notifier.telegram.base_url", default: "https://api.telegram.org")
        let operatorChats = try chats("notifier.telegram.operator_chats")
        let alertChats = try chats("notifier.telegram.alert_chats")
        let minimumSeverity: TelegramConfig.Severity = try reader.choice("notifier.telegram.min_severity", default: .warning)
        let minimumIntervalMs = try reader.int("notifier.telegram.min_interval_ms", default: 1000, in: 0...60_000)
        let pollIntervalMs = try reader.int("notifier.telegram.poll_interval_ms", default: 1000, in: 100...60_000)
        let tradeNotices = try reader.bool("notifier.telegram.trade_notices", default: true)
        guard enabled else {
            telegram = nil
            return
        }
        guard let token else {
            throw ConfigError(field: "notifier.telegram.bot_token", reason: "required when notifier.telegram.enabled is true (or bot_token_file)")
        }
        telegram = TelegramConfig(
            baseURL: baseURL, botToken: token, operatorChats: operatorChats, alertChats: alertChats, minimumSeverity: minimumSeverity,
            minimumIntervalMs: minimumIntervalMs, pollIntervalMs: pollIntervalMs, tradeNotices: tradeNotices)
    }
}
