import Core

/// The notifier's outside channels.
public struct NotifierConfig: Sendable, Equatable {
    /// Telegram: nil when `notifier.telegram.enabled` is false.
    public var telegram: TelegramConfig?
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
    init(reading reader: ConfigReader) throws {
        guard try reader.bool("notifier.telegram.enabled", default: false) else {
            telegram = nil
            return
        }
        guard let token = try reader.secret("notifier.telegram.bot_token") else {
            throw ConfigError(field: "notifier.telegram.bot_token", reason: "required when notifier.telegram.enabled is true (or bot_token_file)")
        }
        func chats(_ field: String) throws -> [Int64] {
            try reader.list(field, default: []).map { text in
                guard let chat = Int64(text) else { throw ConfigError(field: field, reason: "\"\(text)\" is not a Telegram chat id (a whole number)") }
                return chat
            }
        }
        telegram = TelegramConfig(
            baseURL: try reader.string("notifier.telegram.base_url", default: "https://api.telegram.org"),
            botToken: token, operatorChats: try chats("notifier.telegram.operator_chats"),
            alertChats: try chats("notifier.telegram.alert_chats"),
            minimumSeverity: try reader.choice("notifier.telegram.min_severity", default: .warning),
            minimumIntervalMs: try reader.int("notifier.telegram.min_interval_ms", default: 1000, in: 0...60_000),
            pollIntervalMs: try reader.int("notifier.telegram.poll_interval_ms", default: 1000, in: 100...60_000),
            tradeNotices: try reader.bool("notifier.telegram.trade_notices", default: true))
    }
}
