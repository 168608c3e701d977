import Bus
import Config
import Core
import Foundation
import Ledger
import Logging
import Risk
import Schemas
import Store

/// Risk's work, minus the consumers that feed it: each intent is decided once against the
/// portfolio execution reports, the decision recorded with every rule's verdict and the inputs
/// it saw, then published. A redelivered intent (a crash between recording and publishing, a
/// duplicate upstream) is answered with the decision already recorded, so downstream sees the
/// same order id again and never a second order.
///
/// Several instances in one consumer group: intents are keyed by symbol, so one instance owns a
/// symbol's intents at a time, but portfolio-wide limits (positions, total notional,
/// correlation, the breaker, the pause) need one view. PostgreSQL is that view: every decision
/// takes one transaction-scoped advisory lock, reads the control row (pause, breaker) and the
/// entries approved recently by any instance that execution has not reported yet, decides,
/// records, and commits — so two instances decide one after the other, each seeing the other's
/// approvals, and a rebalance that hands a symbol over mid-flight cannot approve twice.
public actor RiskDesk {
    /// Deciding needs the account's equity; until execution has reported it, intents wait
    /// (the consumer retries them with backoff).
    public struct EquityUnknown: Error, CustomStringConvertible {
        public var description: String { "no equity reported yet (account.equity.v1): cannot size" }
    }

    /// The advisory lock every decision holds (`pg_advisory_xact_lock`): "keel-risk".
    public static let decisionLock: Int64 = 0x6B65_656C_7269_736B

    public let engine: RiskEngine
    private let log: RiskDecisionLog
    private let control: RiskControlStore
    private let producer: KafkaProducer
    private let limits: @Sendable (Symbol) async throws -> InstrumentLimits?
    private let venue: Keel_V1_Venue
    private let clock: any TradingClock
    private let logger: Logger
    /// How long an approved entry counts as open without execution reporting the position.
    private let pendingWindowMs: Int64
    /// Only candles of this timeframe feed returns and volatility.
    private let marketTimeframe: Timeframe
    /// Identifies the rule set in every published decision.
    public nonisolated let rulesVersion: String
    private var tracker: PortfolioTracker
    private var positionTimes: [Symbol: Int64] = [:]
    private var seenFills: Set<String> = []
    private var started = false

    public init(
        engine: RiskEngine, log: RiskDecisionLog, control: RiskControlStore? = nil, producer: KafkaProducer, venue: Keel_V1_Venue,
        clock: any TradingClock = LiveClock(), marketTimeframe: Timeframe = .m1, pendingWindowMs: Int64 = 120_000,
        logger: Logger = Logger(label: "keel-risk"), limits: @escaping @Sendable (Symbol) async throws -> InstrumentLimits?
    ) {
        self.engine = engine
        self.log = log
        self.control = control ?? RiskControlStore(pool: log.pool)
        self.producer = producer
        self.venue = venue
        self.clock = clock
        self.limits = limits
        self.logger = logger
        self.pendingWindowMs = pendingWindowMs
        self.marketTimeframe = marketTimeframe
        self.tracker = PortfolioTracker(for: engine.settings)
        // Sets encode in no stable order: they are left out of the JSON and listed sorted instead.
        var unordered = engine.settings
        unordered.disabledRules = []
        unordered.symbols = []
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let settings = (try? encoder.encode(unordered)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        rulesVersion = StableID.derive(namespace: "risk-rules", parts: [
            settings, engine.settings.disabledRules.map(\.rawValue).sorted().joined(separator: ","),
            engine.settings.symbols.sorted().joined(separator: ","),
        ])
    }

    // MARK: Start-up

    /// Rebuilds the state from PostgreSQL once (positions, equity, the day's opening equity and
    /// the peak, recent closed trades, pause and breaker); the topics bring what is newer.
    /// Called before the first message is handled; a failure is retried with that message.
    public func start() async throws {
        guard !started else { return }
        let state = try await control.startupState(now: clock.now(), trades: tracker.tradesKept)
        for (position, sequence) in state.positions { tracker.apply(position, sequence: sequence) }
        if let equity = state.equity { tracker.apply(equity: equity.value, at: equity.time) }
        tracker.restore(dayStart: state.dayStart, dayOf: clock.now(), peak: state.peak)
        for fill in state.closedTrades where seenFills.insert(fill.fillID).inserted {
            tracker.record(closingFill: fill.trade, order: fill.orderID)
        }
        apply(state.control)
        started = true
        logger.info("risk state rebuilt", metadata: [
            "positions": "\(state.positions.count)", "equity": "\(state.equity.map { "\($0.value)" } ?? "unknown")",
            "paused": "\(state.control.paused)", "breaker": "\(state.control.breakerTripped)", "rules": "\(rulesVersion)",
        ])
    }

    private func apply(_ stored: RiskControl) {
        tracker.setPaused(stored.paused)
        if stored.breakerTripped {
            tracker.tripBreaker()
        } else if tracker.account.breakerTripped {
            // Reset by another instance (or an operator command this one has not read yet).
            tracker.resetBreaker()
        }
    }

    /// The state the engine decides against (for tests and the operator's questions).
    public var account: AccountState { tracker.account }
    public var portfolio: Portfolio? { tracker.portfolio }

    // MARK: Intents

    /// Decides (or recalls the decision for) `intent` and publishes it.
    @discardableResult
    public func handle(_ intent: Intent) async throws -> RecordedDecision {
        try await start()
        if let standing = try await log.decision(intentID: intent.id) {
            try await publish(standing)
            return standing
        }
        guard tracker.portfolio != nil else { throw EquityUnknown() }
        let limits = try await limits(intent.symbol)
        let now = clock.now()
        let (recorded, assessment) = try await log.pool.withTransaction { connection -> (RecordedDecision, RiskAssessment?) in
            try await connection.execute("SELECT pg_advisory_xact_lock($1)", [Self.decisionLock])
            if let standing = try await log.decision(intentID: intent.id, on: connection) { return (standing, nil) }
            apply(try await control.load(on: connection))
            // Entries any instance approved that execution has not reported yet count as open.
            var view = tracker
            for pending in try await log.approvedEntries(since: Timestamp(milliseconds: now.milliseconds - pendingWindowMs), on: connection) {
                let symbol = pending.intent.symbol
                guard let approval = pending.decision.approval, pending.decidedAt.milliseconds >= positionTimes[symbol] ?? 0,
                      view.portfolio?.positions[symbol] == nil
                else { continue }
                view.assumeOpened(approval)
            }
            guard let context = view.context(limits: limits, now: now) else { throw EquityUnknown() }
            let assessment = engine.assess(intent, context: context)
            if let tripped = assessment.trippedBreaker {
                try await control.trip(reason: tripped, at: now, on: connection)
            }
            let recorded = try await log.record(
                assessment.decision, for: intent, at: now, verdicts: assessment.verdicts,
                inputs: try DecisionInputs(context: context, symbol: intent.symbol, rulesVersion: rulesVersion).json(), on: connection)
            return (recorded, assessment)
        }
        tracker.noteDecided(intent.id)
        if case .approved(let approval) = recorded.decision, intent.kind == .entry {
            // Until execution reports it, count an approved entry as open.
            tracker.assumeOpened(approval)
        }
        if let assessment {
            try await raiseAlerts(for: assessment, intent: intent, at: now)
        }
        try await publish(recorded)
        return recorded
    }

    /// Records and publishes the rejection of an intent that could not be read, when it names
    /// itself well enough (an id and a symbol) to be answered; returns false otherwise.
    public func rejectUnreadable(_ message: Keel_V1_Intent, reason: String) async throws -> Bool {
        guard !message.intentID.isEmpty, !message.symbol.isEmpty else { return false }
        let now = clock.now()
        let received = (try? message.jsonString()) ?? "{}"
        try await log.recordInvalid(
            intentID: message.intentID, strategy: message.strategy, symbol: message.symbol, detail: reason, received: received, at: now)
        var rejection = Keel_V1_Rejection()
        rejection.intentID = message.intentID
        rejection.strategy = message.strategy
        rejection.symbol = message.symbol
        rejection.side = message.side
        rejection.kind = message.kind
        rejection.reasons = [.invalidIntent]
        rejection.message = "[\(RiskRejectionReason.invalidIntent.rawValue)] \(reason)"
        rejection.decidedMs = now.milliseconds
        rejection.rulesVersion = rulesVersion
        _ = try await producer.send(OutgoingMessage(
            topic: Topic.riskRejections.rawValue, key: Array(message.symbol.utf8), value: try rejection.serializedBytes()))
        logger.warning("unreadable intent rejected", metadata: ["intent": "\(message.intentID)", "reason": "\(reason)"])
        return true
    }

    private func publish(_ recorded: RecordedDecision) async throws {
        _ = try await producer.send(try DecisionMessages.message(for: recorded, venue: venue, rulesVersion: rulesVersion))
    }

    // MARK: Alerts

    private func raiseAlerts(for assessment: RiskAssessment, intent: Intent, at now: Timestamp) async throws {
        if let tripped = assessment.trippedBreaker {
            tracker.tripBreaker()
            logger.critical("drawdown breaker tripped", metadata: ["detail": "\(tripped)"])
            try await alert(
                id: "risk:breaker:drawdown:\(now.milliseconds / 60_000)", severity: .critical, title: "Drawdown breaker tripped",
                text: "\(tripped). No new entries until an operator resets the breaker.", labels: ["breaker": "drawdown"], at: now)
        }
        for warning in assessment.warnings {
            // One alert per rule and hour: a limit that stays near does not flood anyone.
            try await alert(
                id: "risk:near:\(warning.rule.rawValue):\(now.milliseconds / 3_600_000)", severity: .warning,
                title: "Risk limit near: \(warning.rule.rawValue)", text: warning.detail, symbol: intent.symbol.rawValue,
                labels: ["rule": warning.rule.rawValue], at: now)
        }
    }

    func alert(
        id: String, severity: Keel_V1_Severity, title: String, text: String, symbol: String? = nil, labels: [String: String] = [:],
        at now: Timestamp
    ) async throws {
        let alert = Keel_V1_Alert(
            id: id, severity: severity, source: "risk", title: title, text: text, symbol: symbol, labels: labels, at: now)
        _ = try await producer.send(OutgoingMessage(
            topic: Topic.opsAlerts.rawValue, key: Array((symbol ?? "risk").utf8), value: try alert.serializedBytes()))
    }

    // MARK: Execution's reports and the market

    public func apply(position: Position, sequence: UInt64, at time: Timestamp? = nil) {
        if tracker.apply(position, sequence: sequence), let time {
            positionTimes[position.symbol] = max(positionTimes[position.symbol] ?? 0, time.milliseconds)
        }
    }

    public func apply(equity: Money, at time: Timestamp) {
        tracker.apply(equity: equity, at: time)
    }

    /// A closing fill (realised PnL not zero) of venue order `orderID`; each fill id counts once,
    /// and an order's fills make one closed trade.
    public func apply(closingFill trade: ClosedTrade, fillID: String, orderID: String) {
        guard seenFills.insert(fillID).inserted else { return }
        tracker.record(closingFill: trade, order: orderID)
    }

    public func apply(mark: Price, at time: Timestamp, symbol: Symbol) {
        tracker.apply(mark: mark, at: time, symbol: symbol)
    }

    public func apply(candle: Candle) {
        guard candle.isClosed, candle.timeframe == marketTimeframe else { return }
        tracker.applyCandle(symbol: candle.symbol, openTime: candle.openTime, high: candle.high, low: candle.low, close: candle.close)
    }

    // MARK: Operator commands

    /// What became of an operator command.
    public enum CommandOutcome: Sendable, Equatable {
        case applied(String)
        case alreadyApplied
        case refused(String)
        case alreadyRefused
    }

    /// Applies an operator command (already checked to be well-formed): pause, resume, reset a
    /// breaker, flatten every position or close one. A command from an issuer that is not a
    /// configured operator is refused (logged, recorded, alerted). Applying twice is harmless:
    /// the state is the same, and flatten's exits are decisions recorded once per command and symbol.
    public func apply(_ command: OperatorCommand) async throws -> CommandOutcome {
        try await start()
        let now = clock.now()
        // Commands are replayed from the topic's start after a restart: each acts once.
        if let outcome = try await control.commandOutcome(id: command.id) {
            return outcome == "refused" ? .alreadyRefused : .alreadyApplied
        }
        guard engine.settings.isOperator(command.issuedBy) else {
            let detail = "\"\(command.issuedBy)\" is not a configured operator (risk.operators)"
            logger.warning("operator command refused", metadata: ["command": "\(command.id)", "issuer": "\(command.issuedBy)"])
            if try await control.recordCommand(
                id: command.id, issuedBy: command.issuedBy, command: command.action.name, symbol: command.action.symbol?.rawValue,
                reason: command.reason, outcome: "refused", detail: detail, issuedAt: command.issuedAt, appliedAt: now) {
                try await alert(
                    id: "risk:command:refused:\(command.id)", severity: .warning, title: "Operator command refused",
                    text: "\(command.action.name) from \(detail)", at: now)
            }
            return .refused(detail)
        }
        let detail: String
        switch command.action {
        case .pause:
            try await control.setPaused(true, reason: command.reason, by: command.issuedBy, at: now)
            tracker.setPaused(true)
            detail = "new entries paused"
        case .resume:
            try await control.setPaused(false, reason: command.reason, by: command.issuedBy, at: now)
            tracker.setPaused(false)
            detail = "new entries resumed"
        case .resetBreaker(let drawdown, let dailyLoss):
            try await control.reset(drawdown: drawdown, dailyLoss: dailyLoss, by: command.issuedBy, at: now)
            if drawdown { tracker.resetBreaker() }
            if dailyLoss, let equity = tracker.currentEquity { tracker.restore(dayStart: equity, dayOf: now, peak: nil) }
            detail = "breaker reset: \([drawdown ? "drawdown" : nil, dailyLoss ? "daily_loss" : nil].compactMap { $0 }.joined(separator: ", "))"
        case .flattenAll:
            let closed = try await close(symbols: nil, command: command, at: now)
            detail = "closing \(closed.count) position(s): \(closed.map(\.rawValue).joined(separator: ", "))"
        case .closeSymbol(let symbol):
            let closed = try await close(symbols: [symbol], command: command, at: now)
            detail = closed.isEmpty ? "no open position in \(symbol)" : "closing \(symbol)"
        }
        let first = try await control.recordCommand(
            id: command.id, issuedBy: command.issuedBy, command: command.action.name, symbol: command.action.symbol?.rawValue,
            reason: command.reason, outcome: "applied", detail: detail, issuedAt: command.issuedAt, appliedAt: now)
        if first {
            logger.notice("operator command applied", metadata: ["command": "\(command.id)", "issuer": "\(command.issuedBy)", "detail": "\(detail)"])
            try await alert(
                id: "risk:command:\(command.id)", severity: .info, title: "Operator: \(command.action.name)",
                text: "\(command.issuedBy): \(detail)\(command.reason.isEmpty ? "" : " (\(command.reason))")", at: now)
        }
        return .applied(detail)
    }

    /// Exit intents for the open positions in `symbols` (all when nil), decided like any exit:
    /// reduce-only, approved whatever the pause and the breakers say.
    private func close(symbols: [Symbol]?, command: OperatorCommand, at now: Timestamp) async throws -> [Symbol] {
        guard let portfolio = tracker.portfolio else { throw EquityUnknown() }
        var closed: [Symbol] = []
        for position in portfolio.positions.values.sorted(by: { $0.symbol < $1.symbol }) {
            guard symbols?.contains(position.symbol) ?? true, let side = position.side else { continue }
            let price = tracker.market[position.symbol]?.mark ?? position.averageEntryPrice
            let intent = try Intent(
                id: StableID.derive(namespace: "operator-close", parts: [command.id, position.symbol.rawValue]),
                strategy: "operator", symbol: position.symbol, side: side, kind: .exit, referencePrice: price, stopLoss: nil,
                takeProfits: [], timeframe: .m1, candleTime: now, createdAt: now,
                reason: "\(command.action.name) by \(command.issuedBy)\(command.reason.isEmpty ? "" : ": \(command.reason)")")
            _ = try await handle(intent)
            closed.append(position.symbol)
        }
        return closed
    }
}

/// What a decision saw, recorded beside it as JSON.
struct DecisionInputs: Encodable {
    struct OpenPosition: Encodable {
        let side: String
        let size: String
        let averageEntryPrice: String
    }

    let now: Int64
    let rulesVersion: String
    let equity: String
    let dayStartEquity: String?
    let equityPeak: String?
    let paused: Bool
    let breakerTripped: Bool
    let positions: [String: OpenPosition]
    let recentTrades: Int
    let lossStreak: Int
    let limits: InstrumentLimits?
    let mark: String?
    let markTime: Int64?
    let atrFraction: Double?
    let returns: Int

    init(context: RiskContext, symbol: Symbol, rulesVersion: String) {
        now = context.now.milliseconds
        self.rulesVersion = rulesVersion
        equity = context.portfolio.equity.description
        dayStartEquity = context.account.dayStartEquity?.description
        equityPeak = context.account.equityPeak?.description
        paused = context.account.paused
        breakerTripped = context.account.breakerTripped
        var positions: [String: OpenPosition] = [:]
        for (symbol, position) in context.portfolio.positions {
            positions[symbol.rawValue] = OpenPosition(
                side: position.side?.rawValue ?? "", size: position.size.description, averageEntryPrice: position.averageEntryPrice.description)
        }
        self.positions = positions
        recentTrades = context.account.closedTrades.count
        lossStreak = context.account.closedTrades.reversed().prefix { $0.pnl.isNegative }.count
        limits = context.limits
        let market = context.market[symbol]
        mark = market?.mark?.description
        markTime = market?.markTime?.milliseconds
        atrFraction = market?.atrFraction
        returns = market?.returns.count ?? 0
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
