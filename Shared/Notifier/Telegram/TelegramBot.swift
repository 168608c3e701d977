import Bus
import Config
import Core
import Logging
import Schemas
import Store

/// The Telegram side of the notifier: alerts into the outbox for every alert chat, the
/// outbox delivered with retry, and commands from allow-listed chats turned into
/// `ops.commands.v1` (issued by `telegram:<chat id>`, with a command id derived from the
/// Telegram update, so a redelivered update is one command). Every reply goes through the
/// outbox too.
public actor TelegramBot {
    public struct Settings: Sendable {
        /// Chats that may command Keel.
        public var operatorChats: Set<Int64>
        /// Chats that get alerts.
        public var alertChats: [Int64]
        /// Alerts below this severity are not sent.
        public var minimumSeverity: Keel_V1_Severity
        public var policy: DeliveryPolicy
        /// How long a `/flatten` waits for its `/flatten confirm`.
        public var confirmationMs: Int64
        /// Entries, exits, venue closes and rejections go to the alert chats too.
        public var tradeNotices: Bool

        public init(
            operatorChats: Set<Int64>, alertChats: [Int64], minimumSeverity: Keel_V1_Severity = .warning,
            policy: DeliveryPolicy = DeliveryPolicy(), confirmationMs: Int64 = 60_000, tradeNotices: Bool = true
        ) {
            self.tradeNotices = tradeNotices
            self.operatorChats = operatorChats
            self.alertChats = alertChats
            self.minimumSeverity = minimumSeverity
            self.policy = policy
            self.confirmationMs = confirmationMs
        }
    }

    public static let channel = "telegram"

    let client: TelegramClient
    let outbox: Outbox
    let replies: OperatorReplies
    let notices: TradeNotices
    let producer: KafkaProducer
    let settings: Settings
    let clock: any TradingClock
    let logger: Logger
    private var lastUpdate: Int64?
    /// Chats that asked to flatten, until when they may confirm.
    private var pendingFlatten: [Int64: Timestamp] = [:]

    public init(
        client: TelegramClient, outbox: Outbox, producer: KafkaProducer, settings: Settings,
        clock: any TradingClock = LiveClock(), logger: Logger
    ) {
        self.client = client
        self.outbox = outbox
        replies = OperatorReplies(pool: outbox.pool)
        notices = TradeNotices(pool: outbox.pool)
        self.producer = producer
        self.settings = settings
        self.clock = clock
        self.logger = logger
    }

    // MARK: - Alerts and trades out

    /// Queues the notice of an execution or risk message (an entry, an exit with its PnL, a
    /// venue close, a rejection) for every alert chat, once per event.
    public func notice(_ message: ConsumedMessage) async throws {
        guard settings.tradeNotices, let notice = try await notices.notice(for: message) else { return }
        for chat in settings.alertChats {
            try await outbox.enqueue(channel: Self.channel, recipient: String(chat), dedupeKey: notice.key, text: notice.text, at: clock.now())
        }
    }

    /// Queues `alert` for every alert chat (once per alert id), unless it is below the
    /// minimum severity.
    public func notify(_ alert: Keel_V1_Alert) async throws {
        guard Self.rank(alert.severity) >= Self.rank(settings.minimumSeverity) else { return }
        let text = Self.text(of: alert)
        for chat in settings.alertChats {
            try await outbox.enqueue(
                channel: Self.channel, recipient: String(chat), dedupeKey: "alert:" + alert.alertID, text: text, at: clock.now())
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

    /// Delivers what is due, one batch per chat that is not waiting; returns how many batches
    /// went out.
    @discardableResult
    public func deliver() async throws -> Int {
        var delivered = 0
        let client = self.client
        for recipient in try await outbox.dueRecipients(channel: Self.channel, at: clock.now()) {
            let outcome = try await outbox.deliverNext(
                channel: Self.channel, recipient: recipient, policy: settings.policy, at: clock.now()
            ) { text in await client.send(text, to: recipient) }
            switch outcome {
            case .delivered?: delivered += 1
            case .retryAfter(let seconds)?: logger.warning("Telegram asked to wait", metadata: ["chat": "\(recipient)", "seconds": "\(seconds)"])
            case .failed(let reason)?: logger.warning("Telegram delivery failed; backing off", metadata: ["chat": "\(recipient)", "error": "\(reason)"])
            case .refused(let reason)?: logger.error("Telegram refused a message; not retried", metadata: ["chat": "\(recipient)", "error": "\(reason)"])
            case nil: break
            }
        }
        return delivered
    }

    // MARK: - Commands in

    /// Reads the bot's new messages and answers each.
    public func poll(timeoutSeconds: Int = 0) async throws {
        for update in try await client.updates(after: lastUpdate, timeoutSeconds: timeoutSeconds) {
            lastUpdate = max(lastUpdate ?? 0, update.updateID)
            try await handle(update)
        }
    }

    func handle(_ update: TelegramClient.Update) async throws {
        let chat = update.chatID
        guard settings.operatorChats.contains(chat) else {
            logger.warning("Telegram command from a chat that is not allowed; ignored", metadata: ["chat": "\(chat)"])
            try await reply(update, "This chat may not command Keel.")
            return
        }
        switch OperatorRequest.parse(update.text) {
        case .failure(let error):
            try await reply(update, "\(error).\n\n\(OperatorRequest.usage)")
        case .success(let request):
            try await perform(request, for: update)
        }
    }

    private func perform(_ request: OperatorRequest, for update: TelegramClient.Update) async throws {
        var command = Keel_V1_OperatorCommand()
        switch request {
        case .help:
            return try await reply(update, OperatorRequest.usage)
        case .status:
            return try await reply(update, try await replies.status())
        case .positions:
            return try await reply(update, try await replies.positions())
        case .pnl:
            return try await reply(update, try await replies.pnl(now: clock.now()))
        case .flatten:
            pendingFlatten[update.chatID] = clock.now().adding(milliseconds: settings.confirmationMs)
            return try await reply(update, "Close every position at the market? Send /flatten confirm within \(settings.confirmationMs / 1000) s.")
        case .confirmFlatten:
            guard let until = pendingFlatten.removeValue(forKey: update.chatID), clock.now() <= until else {
                return try await reply(update, "Nothing to confirm: send /flatten first.")
            }
            command.flattenAll = .init()
        case .pause: command.pause = .init()
        case .resume: command.resume = .init()
        case .close(let symbol): command.closeSymbol = .with { $0.symbol = symbol.rawValue }
        }
        command.commandID = "telegram-\(update.updateID)"
        command.issuedBy = "telegram:\(update.chatID)"
        command.reason = "Telegram: \(update.text)"
        command.issuedMs = clock.now().milliseconds
        let key = if case .close(let symbol) = request { symbol.rawValue } else { "*" }
        _ = try await producer.send(OutgoingMessage(
            topic: Topic.opsCommands.rawValue, key: Array(key.utf8), value: try command.serializedBytes()))
        try await reply(update, "Sent to risk: \(update.text) (command \(command.commandID)).")
    }

    private func reply(_ update: TelegramClient.Update, _ text: String) async throws {
        try await outbox.enqueue(
            channel: Self.channel, recipient: String(update.chatID), dedupeKey: "reply:\(update.updateID)", text: text,
            at: clock.now())
    }
}

extension TelegramBot.Settings {
    /// The settings of the configuration's `notifier.telegram`.
    public init(_ config: TelegramConfig) {
        let severity: Keel_V1_Severity = switch config.minimumSeverity {
        case .info: .info
        case .warning: .warning
        case .error: .error
        case .critical: .critical
        }
        self.init(
            operatorChats: Set(config.operatorChats), alertChats: config.alertChats, minimumSeverity: severity,
            policy: DeliveryPolicy(minimumIntervalMs: Int64(config.minimumIntervalMs)), tradeNotices: config.tradeNotices)
    }
}
