import Bus
import Config
import Core
import Exchange
import Locks
import Logging
import OrderManagement
import Schemas

/// Execution's work, minus the consumers and the stream that feed it. An approved order is
/// placed under the symbol's Redis lock, recorded first (with the lock's fencing token, and
/// for an entry with its trade plan) so a crash can never lose track of it, and sent with the
/// `orderLinkId` derived from its intent, so sending it again can never place a second one.
/// What the venue reports (private stream, polling, reconciliation) is recorded once, checked
/// by the order state machine, published, and moves the symbol's trades on (ladder,
/// break-even, trailing, timeouts; see `TradeManager`).
public actor ExecutionDesk {
    public struct Settings: Sendable {
        /// The account name equity is published under.
        public var account: String
        /// The symbols whose positions and fills execution follows.
        public var symbols: [Symbol]
        public var lockTTL: Duration
        public var lockWait: Duration
        public var postOnlyEntries: Bool
        public var limitEntryTimeoutMs: Int64
        public var entryTimeout: EntryTimeoutAction
        public var trailing: TrailingVenue
        /// A position held this long is closed at the market; nil: never.
        public var maxHoldingMs: Int64?
        public var orphans: OrphanPolicy
        /// An order with no update for this long is queried on the venue.
        public var stuckOrderMs: Int64
        public var breakerFailures: Int
        public var breakerProbeMs: Int64

        /// How entries are carried out (`TradePlan`).
        public var policy: ExecutionPolicy {
            ExecutionPolicy(
                postOnlyEntries: postOnlyEntries, limitEntryTimeoutMs: limitEntryTimeoutMs, entryTimeout: entryTimeout,
                trailing: trailing, maxHoldingMs: maxHoldingMs)
        }

        public init(
            account: String, symbols: [Symbol], lockTTL: Duration, lockWait: Duration, postOnlyEntries: Bool = true,
            limitEntryTimeoutMs: Int64 = 60_000, entryTimeout: EntryTimeoutAction = .cancel, trailing: TrailingVenue = .exchange,
            maxHoldingMs: Int64? = nil, orphans: OrphanPolicy = .report, stuckOrderMs: Int64 = 30_000, breakerFailures: Int = 5,
            breakerProbeMs: Int64 = 30_000
        ) {
            self.account = account
            self.symbols = symbols
            self.lockTTL = lockTTL
            self.lockWait = lockWait
            self.postOnlyEntries = postOnlyEntries
            self.limitEntryTimeoutMs = limitEntryTimeoutMs
            self.entryTimeout = entryTimeout
            self.trailing = trailing
            self.maxHoldingMs = maxHoldingMs
            self.orphans = orphans
            self.stuckOrderMs = stuckOrderMs
            self.breakerFailures = breakerFailures
            self.breakerProbeMs = breakerProbeMs
        }

        /// The settings of `config` for the account named `account`.
        public init(_ config: ExecutionConfig, account: String, symbols: [Symbol]) {
            let policy = ExecutionPolicy(config)
            self.init(
                account: account, symbols: symbols, lockTTL: .milliseconds(config.lockTTLMs), lockWait: .milliseconds(config.lockWaitMs),
                postOnlyEntries: policy.postOnlyEntries, limitEntryTimeoutMs: policy.limitEntryTimeoutMs,
                entryTimeout: policy.entryTimeout, trailing: policy.trailing, maxHoldingMs: policy.maxHoldingMs,
                orphans: OrphanPolicy(rawValue: config.orphans.rawValue) ?? .report, stuckOrderMs: Int64(config.stuckOrderMs),
                breakerFailures: config.breakerFailures, breakerProbeMs: Int64(config.breakerProbeMs))
        }
    }

    /// Another instance held the symbol's lock for all of `lockWait`; the approval is retried.
    public struct SymbolBusy: Error, CustomStringConvertible {
        public let symbol: Symbol
        public var description: String { "\(symbol) is locked by another execution instance" }
    }

    let client: BybitRESTClient
    let ledger: ExecutionLedger
    let locks: SymbolLocks
    let producer: KafkaProducer
    let venue: Keel_V1_Venue
    let settings: Settings
    /// Times records and the circuit breaker's waits.
    let clock: any TradingClock
    /// The venue's time, which intents' expiries and the venue's reports are in (a replaying
    /// simulator's differs from ours): trades are judged by it.
    let venueClock: any TradingClock
    let logger: Logger
    /// Orders being sent right now: reconciliation leaves them to the sender.
    var sending: Set<String> = []
    var breaker: VenueCircuitBreaker

    public init(
        client: BybitRESTClient, ledger: ExecutionLedger, locks: SymbolLocks, producer: KafkaProducer, venue: Keel_V1_Venue,
        settings: Settings, clock: any TradingClock = LiveClock(), logger: Logger
    ) {
        venueClock = VenueClock(client: client)
        self.client = client
        self.ledger = ledger
        self.locks = locks
        self.producer = producer
        self.venue = venue
        self.settings = settings
        self.clock = clock
        self.logger = logger
        breaker = VenueCircuitBreaker(failureThreshold: settings.breakerFailures, probeAfterMs: settings.breakerProbeMs)
    }

    /// Whether new entries are being placed (the venue circuit breaker is closed).
    public var acceptsEntries: Bool { breaker.isClosed }

    // MARK: - Approved orders

    /// Handles one `risk.orders.v1` message; one that is not a valid approved order is an
    /// `InvalidMessage` (dead-lettered, never retried).
    public func consumeApproval(_ message: ConsumedMessage) async throws {
        try await place(message.decoded(as: "risk.orders.v1 ApprovedOrder") {
            try Keel_V1_ApprovedOrder(serializedBytes: $0).approvedOrder()
        })
    }

    /// Places `order` once, however often it is handed over; returns when the venue has
    /// answered and the answer is recorded and published. An entry that expired, or arrives
    /// while the venue circuit breaker is open, is recorded as rejected and not sent; an exit
    /// first takes the ladder of the symbol's trade off.
    public func place(_ order: ApprovedOrder) async throws {
        let venueOrder: VenueOrder
        do {
            venueOrder = try VenueOrder(order, postOnlyLimits: settings.postOnlyEntries)
        } catch {
            throw InvalidMessage("approved order of intent \(order.intentID) cannot be sent: \(error)")
        }
        guard let lease = try await locks.acquire(symbol: order.symbol.rawValue, ttl: settings.lockTTL, waitUpTo: settings.lockWait)
        else { throw SymbolBusy(symbol: order.symbol) }
        let link = venueOrder.request.orderLinkID
        sending.insert(link)
        defer { sending.remove(link) }
        do {
            try await placeLocked(order, venueOrder, fence: lease.fencingToken)
        } catch {
            _ = try? await locks.release(lease)
            throw error
        }
        _ = try? await locks.release(lease)
    }

    private func placeLocked(_ order: ApprovedOrder, _ venueOrder: VenueOrder, fence: Int64) async throws {
        let now = venueClock.now()
        let link = venueOrder.request.orderLinkID
        let entering = order.kind == .entry
        var trade: (plan: TradePlan, state: TradeState)?
        var refusal: String?
        if entering {
            if let expiry = order.expiresAt, now >= expiry {
                refusal = "expired at \(expiry.milliseconds) ms, before it could be placed"
            } else if !breaker.allowsEntries(at: now) {
                refusal = "venue circuit breaker open: no new entries"
            } else {
                do {
                    let rules = try await client.requireRules(for: order.symbol)
                    trade = (try TradePlan(order, settings: settings, rules: rules), TradeState(placedAt: now))
                } catch where VenueOutcome.of(error) == .refused {
                    refusal = "\(error)"
                }
            }
        }
        let claim = try await ledger.claim(
            venueOrder, role: entering ? "entry" : "exit", intentID: order.intentID, opening: trade, fence: fence, at: clock.now())
        if let refusal {
            if claim != .settled {
                logger.warning("entry not placed", metadata: ["order": "\(link)", "symbol": "\(order.symbol)", "reason": "\(refusal)"])
                try await ledger.recordRejected(clientOrderID: link, reason: refusal, at: clock.now())
            }
            try await publishOrder(link)
            return
        }
        if !entering { try await closeTrades(of: order.symbol, reason: "exit approved (intent \(order.intentID))", fence: fence) }
        if claim != .settled { try await send(venueOrder, fence: fence) }
        try await publishOrder(link)
        if entering { try await manageLocked(order.symbol, fence: fence) }
    }

    /// Sends a recorded order and records the venue's answer: acknowledged, or refused (a
    /// refusal stands however often it is sent); anything else (a lost connection, a rate
    /// limit, an unknown outcome) is thrown, so the order is sent again later.
    func send(_ venueOrder: VenueOrder, fence: Int64) async throws {
        let link = venueOrder.request.orderLinkID
        let symbol = venueOrder.request.symbol
        do {
            let ack = try await venueCall { try await OrderSubmitter(client: self.client).submit(venueOrder) }
            try await ledger.recordAcknowledged(clientOrderID: link, venueOrderID: ack.orderID, at: clock.now())
            logger.info("order placed", metadata: ["order": "\(link)", "symbol": "\(symbol)", "venue_order": "\(ack.orderID)"])
        } catch where VenueOutcome.of(error) == .refused && !(error is CancellationError) {
            logger.warning("order refused", metadata: ["order": "\(link)", "symbol": "\(symbol)", "reason": "\(error)"])
            try await ledger.recordRejected(clientOrderID: link, reason: "\(error)", at: clock.now())
        }
    }

    /// A venue request, its outcome counted by the circuit breaker (which alerts when it opens
    /// or closes).
    func venueCall<Result: Sendable>(_ request: () async throws -> Result) async throws -> Result {
        do {
            let result = try await request()
            if breaker.record(.success, at: clock.now()) == .closed {
                logger.notice("venue healthy again: entries resume")
                try? await alert(
                    id: "execution:breaker:closed:\(clock.now().milliseconds / 60_000)", severity: .info,
                    title: "Venue circuit breaker closed", text: "The venue answers again; new entries resume.")
            }
            return result
        } catch {
            if case .opened(let reason) = breaker.record(VenueOutcome.of(error), at: clock.now()) {
                logger.critical("venue circuit breaker open: no new entries", metadata: ["reason": "\(reason)"])
                try? await alert(
                    id: "execution:breaker:open:\(clock.now().milliseconds / 60_000)", severity: .critical,
                    title: "Venue circuit breaker open",
                    text: "\(reason). New entries stop; exits and stops stay managed; the venue is probed every \(settings.breakerProbeMs / 1000) s.")
            }
            throw error
        }
    }

    // MARK: - What the venue reports

    /// Records and publishes what the private stream delivered, then moves the touched
    /// symbols' trades on. A failure is logged: the next poll reads the same facts over REST.
    public func apply(_ message: BybitPrivateMessage) async {
        do {
            var touched: Set<Symbol> = []
            switch message {
            case .orders(let updates):
                for update in updates {
                    try await record(update)
                    touched.insert(update.order.symbol)
                }
            case .executions(let fills):
                for fill in fills {
                    try await record(fill)
                    touched.insert(fill.symbol)
                }
            case .funding(let payments):
                for payment in payments { try await ledger.record(payment) }
            case .positions(let positions):
                for update in positions where settings.symbols.contains(update.position.symbol) {
                    try await record(update.position, details: nil, venueTime: update.updatedTime)
                    touched.insert(update.position.symbol)
                }
            case .wallets(let wallets):
                for wallet in wallets { try await record(wallet) }
            case .decodingFailed(let error):
                logger.error("private stream frame not understood", metadata: ["error": "\(error)"])
                try await ledger.recordAnomaly(
                    kind: "undecodable_stream_frame", symbol: nil, detail: "\(error)", action: "skipped; polling reads the same facts",
                    at: clock.now())
            case .authenticationFailed(let reason):
                logger.critical("private stream refused the credentials", metadata: ["reason": "\(reason)"])
            case .connected, .disconnected, .authenticated, .reply:
                break
            }
            for symbol in touched.sorted() { try await manage(symbol) }
        } catch {
            logger.error("could not record a private stream update; the next poll repairs it", metadata: ["error": "\(error)"])
        }
    }

    /// Records a venue report of an order: recorded and published when it moves the order on;
    /// an out-of-order or impossible report, or one about an order Keel does not know, is
    /// recorded as an anomaly (alerted when it is not merely late).
    func record(_ update: BybitOrderUpdate) async throws {
        let order = update.order
        switch try await ledger.record(update, at: clock.now()) {
        case .recorded:
            try await publishOrder(order.clientOrderID)
        case .unchanged:
            break
        case .unknownOrder:
            try await ledger.recordAnomaly(
                kind: "unknown_order_report", symbol: order.symbol,
                detail: "\(order.clientOrderID) (venue \(order.exchangeOrderID ?? "?")): \(order.status.rawValue)",
                action: "not recorded as Keel's; reconciliation applies the orphan policy", at: clock.now())
            try await alert(
                id: "execution:unknown-order:\(order.clientOrderID)", severity: .warning, title: "Update for an order Keel did not place",
                text: "\(order.symbol) order \(order.clientOrderID) is \(order.status.rawValue) on the venue.", symbol: order.symbol)
        case .refused(let verdict):
            logger.warning("order report refused", metadata: ["order": "\(order.clientOrderID)", "verdict": "\(verdict)"])
            if case .impossible(let why) = verdict {
                try await alert(
                    id: "execution:impossible:\(order.clientOrderID):\(order.status.rawValue)", severity: .warning,
                    title: "Impossible order report", text: "\(order.symbol) \(order.clientOrderID): \(why)", symbol: order.symbol)
            }
        }
    }

    func record(_ fill: Fill) async throws {
        guard try await ledger.record(fill) else { return }
        _ = try await producer.send(try ExecutionMessages.fill(fill, context: try await ledger.context(ofFill: fill.id), venue: venue))
    }

    func record(_ position: Position, details: BybitPositionRecord?, venueTime: Timestamp?) async throws {
        let time = clock.now()
        guard let sequence = try await ledger.record(position, details: details, venueTime: venueTime, at: time) else { return }
        let costs = position.isFlat ? (fees: Money.zero, funding: Money.zero) : try await ledger.costsOfOpenPosition(symbol: position.symbol)
        _ = try await producer.send(try ExecutionMessages.position(
            position, details: details, costs: costs, sequence: sequence, venue: venue, at: time))
    }

    func record(_ wallet: BybitWalletBalance) async throws {
        let time = clock.now()
        try await ledger.record(wallet, account: settings.account, at: time)
        _ = try await producer.send(try ExecutionMessages.equity(wallet, account: settings.account, venue: venue, at: time))
    }

    func publishOrder(_ link: String) async throws {
        guard let order = try await ledger.order(clientOrderID: link) else { return }
        _ = try await producer.send(try ExecutionMessages.order(order, venue: venue))
    }

    /// Publishes an `ops.alerts.v1` alert from execution; `id` is stable for one cause, so a
    /// repeat does not notify twice.
    func alert(id: String, severity: Keel_V1_Severity, title: String, text: String, symbol: Symbol? = nil) async throws {
        let alert = Keel_V1_Alert(
            id: id, severity: severity, source: "execution", title: title, text: text, symbol: symbol?.rawValue, at: clock.now())
        _ = try await producer.send(OutgoingMessage(
            topic: Topic.opsAlerts.rawValue, key: Array((symbol?.rawValue ?? "execution").utf8), value: try alert.serializedBytes()))
    }
}

/// The venue's clock as the client estimates it from the offset measured at its last
/// `synchronizeTime()`.
struct VenueClock: TradingClock {
    let client: BybitRESTClient

    func now() -> Timestamp { client.serverNow() }
}
