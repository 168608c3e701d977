import Core

/// The notifier's outside channels.
public struct NotifierConfig: Sendable, Equatable {
    /// Telegram: nil when `notifier.telegram.enabled` is false.
    public var telegram: TelegramConfig?
    /// Webhooks by name (`notifier.webhooks.<name>`), those enabled.
    public var webhooks: [WebhookConfig]
    /// Who may read the dashboard API and who may command through it.
    public var api: APIAccessConfig
    public var health: ServiceWatchConfig
    public var dailySummary: DailySummaryConfig
}

/// The dashboard and REST API: two bearer tokens (secrets) — the read token sees everything,
/// the operator token also pauses, resumes and closes — and the live stream's pace.
public struct APIAccessConfig: Sendable, Equatable {
    /// Tokens shorter than this are refused: they could be guessed.
    public static let minimumTokenLength = 16

    public var readToken: Secret?
    public var operatorToken: Secret?
    /// How often the dashboard's live stream sends a fresh snapshot.
    public var streamIntervalMs: Int
    /// Live streams open at once, per notifier instance; more are refused with 503.
    public var maximumStreams: Int

    /// Both tokens, or a configuration error naming the one missing: the notifier does not
    /// serve its API without them.
    public func requiredTokens() throws -> (read: Secret, command: Secret) {
        guard let readToken else {
            throw ConfigError(field: "notifier.api.read_token", reason: "required by the notifier (or read_token_file, or KEEL_NOTIFIER_API_READ_TOKEN)")
        }
        guard let operatorToken else {
            throw ConfigError(
                field: "notifier.api.operator_token", reason: "required by the notifier (or operator_token_file, or KEEL_NOTIFIER_API_OPERATOR_TOKEN)")
        }
        return (readToken, operatorToken)
    }
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
        api = try APIAccessConfig(reading: reader)
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

extension APIAccessConfig {
    init(reading reader: ConfigReader) throws {
        func token(_ field: String) throws -> Secret? {
            let token = try reader.secret(field)
            if let token, token.value.count < Self.minimumTokenLength {
                throw ConfigError(field: field, reason: "must be at least \(Self.minimumTokenLength) characters")
            }
            return token
        }
        readToken = try token("notifier.api.read_token")
        operatorToken = try token("notifier.api.operator_token")
        if let readToken, readToken == operatorToken {
            throw ConfigError(field: "notifier.api.operator_token", reason: "must differ from notifier.api.read_token")
        }
        streamIntervalMs = try reader.int("notifier.api.stream_interval_ms", default: 1000, in: 100...60_000)
        maximumStreams = try reader.int("notifier.api.max_streams", default: 32, in: 1...1000)
    }
}
