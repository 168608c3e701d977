import Bus
import Config
import Core
import Logging
import Schemas
import Store

/// The Telegram side of the notifier: alerts into the outbox for every alert chat, the
/// outbox delivered with retry, and commands from allow-listed chats turned into
/// `ops.commands.v1` (issued by `telegram:<chat id>`, with a command id derived from the
/// Telegram update, so a redelivered update is one command), followed by risk's outcome once
/// it is recorded. Every reply goes through the outbox too.
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
        /// How long the bot waits for risk's outcome of a command before saying it has none.
        public var outcomeWaitMs: Int64

        public init(
            operatorChats: Set<Int64>, alertChats: [Int64], minimumSeverity: Keel_V1_Severity = .warning,
            policy: DeliveryPolicy = DeliveryPolicy(), confirmationMs: Int64 = 60_000, tradeNotices: Bool = true,
            outcomeWaitMs: Int64 = 60_000
        ) {
            self.tradeNotices = tradeNotices
            self.outcomeWaitMs = outcomeWaitMs
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
    let router: NoticeRouter
    let courier: Courier
    let commands: OperatorCommandSender
    let settings: Settings
    let clock: any TradingClock
    let logger: Logger
    private var lastUpdate: Int64?
    /// Chats that asked to flatten, until when they may confirm.
    private var pendingFlatten: [Int64: Timestamp] = [:]
    /// Commands sent to risk whose outcome the chat has not been told yet, and until when to wait.
    private var awaitingOutcome: [String: (update: TelegramClient.Update, until: Timestamp)] = [:]

    public init(
        client: TelegramClient, outbox: Outbox, producer: KafkaProducer, settings: Settings,
        clock: any TradingClock = LiveClock(), logger: Logger
    ) {
        self.client = client
        self.outbox = outbox
        replies = OperatorReplies(pool: outbox.pool)
        router = NoticeRouter(outbox: outbox, targets: settings.alertChats.map {
            NoticeTarget(channel: Self.channel, recipient: String($0), minimumSeverity: settings.minimumSeverity, tradeNotices: settings.tradeNotices)
        }, clock: clock)
        courier = Courier(channel: Self.channel, outbox: outbox, policy: settings.policy, clock: clock, logger: logger) { text, chat in
            await client.send(text, to: chat)
        }
        commands = OperatorCommandSender(producer: producer)
        self.settings = settings
        self.clock = clock
        self.logger = logger
    }

    // MARK: - Alerts and trades out

    /// Queues `alert` for every alert chat (once per alert id) at or above the minimum severity.
    public func notify(_ alert: Keel_V1_Alert) async throws {
        try await router.notify(alert)
    }

    /// Queues the notice of an execution or risk message for every alert chat, once per event.
    public func notice(_ message: ConsumedMessage) async throws {
        try await router.notice(message)
    }

    /// Queues a report (the daily summary) for every alert chat, once per `key`.
    public func broadcast(key: String, text: String) async throws {
        try await router.broadcast(key: key, text: text)
    }

    /// Delivers what is due, one batch per chat that is not waiting; returns how many batches
    /// went out.
    @discardableResult
    public func deliver() async throws -> Int {
        try await courier.deliver()
    }

    // MARK: - Commands in

    /// Reads the bot's new messages and answers each; tells each chat what risk did with the
    /// commands it sent (or that risk did not answer in time).
    public func poll(timeoutSeconds: Int = 0) async throws {
        for update in try await client.updates(after: lastUpdate, timeoutSeconds: timeoutSeconds) {
            lastUpdate = max(lastUpdate ?? 0, update.updateID)
            try await handle(update)
        }
        try await reportOutcomes()
    }

    private func reportOutcomes() async throws {
        for (id, waiting) in awaitingOutcome.sorted(by: { $0.key < $1.key }) {
            let text: String
            if let outcome = try await replies.outcome(commandID: id) {
                text = "\(outcome.applied ? "✅ Done" : "❌ Refused by risk"): \(waiting.update.text) — \(outcome.detail)"
            } else if clock.now() > waiting.until {
                text = "⌛ Risk has not answered \(waiting.update.text) (command \(id)) within \(settings.outcomeWaitMs / 1000) s; see /status."
            } else {
                continue
            }
            awaitingOutcome[id] = nil
            try await outbox.enqueue(
                channel: Self.channel, recipient: String(waiting.update.chatID), dedupeKey: "outcome:\(waiting.update.updateID)", text: text,
                at: clock.now())
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
        let action: OperatorCommand.Action
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
            action = .flattenAll
        case .pause: action = .pause
        case .resume: action = .resume
        case .close(let symbol): action = .closeSymbol(symbol)
        }
        let command = OperatorCommand(
            id: "telegram-\(update.updateID)", issuedBy: "telegram:\(update.chatID)", reason: "Telegram: \(update.text)", action: action,
            issuedAt: clock.now())
        try await commands.send(command)
        awaitingOutcome[command.id] = (update, clock.now().adding(milliseconds: settings.outcomeWaitMs))
        try await reply(update, "Sent to risk: \(update.text) (command \(command.id)).")
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
        self.init(
            operatorChats: Set(config.operatorChats), alertChats: config.alertChats, minimumSeverity: Keel_V1_Severity(config.minimumSeverity),
            policy: DeliveryPolicy(minimumIntervalMs: Int64(config.minimumIntervalMs)), tradeNotices: config.tradeNotices)
    }
}
