import Bus
import Core
import Exchange
import Locks
import Logging
import Schemas

/// Execution's work, minus the consumers and the stream that feed it. An approved order is
/// placed under the symbol's Redis lock, recorded first (with the lock's fencing token) so a
/// crash can never lose track of it, and sent with the `orderLinkId` derived from its intent,
/// so sending it again can never place a second one. What the venue reports (private stream,
/// polling, reconciliation at start) is recorded once and published.
public actor ExecutionDesk {
    public struct Settings: Sendable {
        /// The account name equity is published under.
        public var account: String
        /// The symbols whose positions and fills execution follows.
        public var symbols: [Symbol]
        public var lockTTL: Duration
        public var lockWait: Duration

        public init(account: String, symbols: [Symbol], lockTTL: Duration, lockWait: Duration) {
            self.account = account
            self.symbols = symbols
            self.lockTTL = lockTTL
            self.lockWait = lockWait
        }
    }

    /// Another instance held the symbol's lock for all of `lockWait`; the approval is retried.
    public struct SymbolBusy: Error, CustomStringConvertible {
        public let symbol: Symbol
        public var description: String { "\(symbol) is locked by another execution instance" }
    }

    private let client: BybitRESTClient
    private let ledger: ExecutionLedger
    private let locks: SymbolLocks
    private let producer: KafkaProducer
    private let venue: Keel_V1_Venue
    private let settings: Settings
    private let clock: any TradingClock
    private let logger: Logger
    /// Orders being sent right now: reconciliation leaves them to the sender.
    private var sending: Set<String> = []

    public init(
        client: BybitRESTClient, ledger: ExecutionLedger, locks: SymbolLocks, producer: KafkaProducer, venue: Keel_V1_Venue,
        settings: Settings, clock: any TradingClock = LiveClock(), logger: Logger
    ) {
        self.client = client
        self.ledger = ledger
        self.locks = locks
        self.producer = producer
        self.venue = venue
        self.settings = settings
        self.clock = clock
        self.logger = logger
    }

    // MARK: - Approved orders

    /// Handles one `risk.orders.v1` message; one that is not a valid approved order is an
    /// `InvalidMessage` (dead-lettered, never retried).
    public func consumeApproval(_ message: ConsumedMessage) async throws {
        try await place(message.decoded(as: "risk.orders.v1 ApprovedOrder") {
            try Keel_V1_ApprovedOrder(serializedBytes: $0).approvedOrder()
        })
    }

    /// Places `order` once, however often it is handed over; returns when the venue has
    /// answered and the answer is recorded and published.
    public func place(_ order: ApprovedOrder) async throws {
        let venueOrder: VenueOrder
        do {
            venueOrder = try VenueOrder(order)
        } catch {
            throw InvalidMessage("approved order of intent \(order.intentID) cannot be sent: \(error)")
        }
        guard let lease = try await locks.acquire(symbol: order.symbol.rawValue, ttl: settings.lockTTL, waitUpTo: settings.lockWait)
        else { throw SymbolBusy(symbol: order.symbol) }
        let link = venueOrder.request.orderLinkID
        sending.insert(link)
        do {
            try await send(venueOrder, order: order, fence: lease.fencingToken)
        } catch {
            sending.remove(link)
            _ = try? await locks.release(lease)
            throw error
        }
        sending.remove(link)
        _ = try? await locks.release(lease)
    }

    private func send(_ venueOrder: VenueOrder, order: ApprovedOrder, fence: Int64) async throws {
        let link = venueOrder.request.orderLinkID
        let claim = try await ledger.claim(
            venueOrder, role: order.kind == .entry ? "entry" : "exit", intentID: order.intentID, fence: fence, at: clock.now())
        if claim != .settled {
            do {
                let ack = try await OrderSubmitter(client: client).submit(venueOrder)
                try await ledger.recordAcknowledged(clientOrderID: link, venueOrderID: ack.orderID, at: clock.now())
                logger.info("order placed", metadata: ["order": "\(link)", "symbol": "\(order.symbol)", "venue_order": "\(ack.orderID)"])
            } catch where Self.isRefusal(error) {
                logger.warning("order refused", metadata: ["order": "\(link)", "symbol": "\(order.symbol)", "reason": "\(error)"])
                try await ledger.recordRejected(clientOrderID: link, reason: "\(error)", at: clock.now())
            }
        }
        try await publishOrder(link)
    }

    /// A refusal stands however often the order is sent; anything else (a lost connection, a
    /// rate limit, an unknown outcome) may pass, so the approval is retried.
    static func isRefusal(_ error: any Error) -> Bool {
        switch error {
        case is InstrumentRuleViolation, is UnknownInstrumentError: return true
        case let error as BybitError:
            switch error {
            case .rateLimited, .serverError, .timestampOutsideRecvWindow: return false
            default: return true
            }
        default: return false
        }
    }

    // MARK: - What the venue reports

    /// Records and publishes what the private stream delivered. A failure is logged: the next
    /// poll reads the same facts over REST.
    public func apply(_ message: BybitPrivateMessage) async {
        do {
            switch message {
            case .orders(let orders):
                for order in orders where try await ledger.record(order, at: clock.now()) {
                    try await publishOrder(order.clientOrderID)
                }
            case .executions(let fills):
                for fill in fills { try await record(fill) }
            case .positions(let positions):
                for position in positions where settings.symbols.contains(position.symbol) {
                    try await record(position, details: nil)
                }
            case .wallets(let wallets):
                for wallet in wallets { try await record(wallet) }
            case .decodingFailed(let error):
                logger.error("private stream frame not understood", metadata: ["error": "\(error)"])
            case .authenticationFailed(let reason):
                logger.critical("private stream refused the credentials", metadata: ["reason": "\(reason)"])
            case .connected, .disconnected, .authenticated, .reply:
                break
            }
        } catch {
            logger.error("could not record a private stream update; the next poll repairs it", metadata: ["error": "\(error)"])
        }
    }

    /// Brings the records up to the venue's state over REST: every unsettled order (its state
    /// and fills), every fill since the last one recorded, the positions and the equity. Runs at
    /// start, before any approval is taken, and then as the polling fallback of the stream.
    public func reconcile() async throws {
        for (link, symbol) in try await ledger.unsettledOrders() where !sending.contains(link) {
            guard let venueOrder = try await client.order(symbol: symbol, orderLinkID: link) else {
                // Never reached the venue: its approval was not committed, so it comes again.
                continue
            }
            try await ledger.record(try venueOrder.order(), at: clock.now())
            for fill in try await client.executions(symbol: symbol, orderID: venueOrder.orderID) { try await record(fill) }
            try await publishOrder(link)
        }
        for symbol in settings.symbols {
            // A minute back from the newest fill: fills of one instant may straddle it.
            let since = try await ledger.latestFillTime(symbol: symbol).map { $0.adding(milliseconds: -60_000) }
            for fill in try await client.executions(symbol: symbol, since: since) { try await record(fill) }
            if let position = try await client.position(symbol: symbol) {
                try await record(try position.position(), details: position)
            }
        }
        try await record(try await client.walletBalance(coin: "USDT"))
    }

    private func record(_ fill: Fill) async throws {
        guard try await ledger.record(fill) else { return }
        _ = try await producer.send(try ExecutionMessages.fill(fill, venue: venue))
    }

    private func record(_ position: Position, details: BybitPositionRecord?) async throws {
        let time = clock.now()
        let sequence = try await ledger.record(position, details: details, at: time)
        _ = try await producer.send(
            try ExecutionMessages.position(position, details: details, sequence: sequence, venue: venue, at: time))
    }

    private func record(_ wallet: BybitWalletBalance) async throws {
        let time = clock.now()
        try await ledger.record(wallet, account: settings.account, at: time)
        _ = try await producer.send(try ExecutionMessages.equity(wallet, account: settings.account, venue: venue, at: time))
    }

    private func publishOrder(_ link: String) async throws {
        guard let order = try await ledger.order(clientOrderID: link) else { return }
        _ = try await producer.send(try ExecutionMessages.order(order, venue: venue))
    }
}
