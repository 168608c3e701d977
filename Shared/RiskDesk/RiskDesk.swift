import Bus
import Core
import Ledger
import Risk
import Schemas

/// Risk's work, minus the consumers that feed it: each intent is decided once against the
/// portfolio execution reports, the decision recorded, then published. A redelivered intent
/// (a crash between recording and publishing, a duplicate upstream) is answered with the
/// decision already recorded, so downstream sees the same order id again and never a second
/// order.
public actor RiskDesk {
    /// Deciding needs the account's equity; until execution has reported it, intents wait
    /// (the consumer retries them with backoff).
    public struct EquityUnknown: Error, CustomStringConvertible {
        public var description: String { "no equity reported yet (account.equity.v1): cannot size" }
    }

    private let engine: RiskEngine
    private let log: RiskDecisionLog
    private let producer: KafkaProducer
    private let limits: @Sendable (Symbol) async throws -> InstrumentLimits
    private let venue: Keel_V1_Venue
    private let clock: any TradingClock
    private var tracker = PortfolioTracker()

    public init(
        engine: RiskEngine, log: RiskDecisionLog, producer: KafkaProducer, venue: Keel_V1_Venue,
        clock: any TradingClock = LiveClock(), limits: @escaping @Sendable (Symbol) async throws -> InstrumentLimits
    ) {
        self.engine = engine
        self.log = log
        self.producer = producer
        self.venue = venue
        self.clock = clock
        self.limits = limits
    }

    /// Decides (or recalls the decision for) `intent` and publishes it.
    @discardableResult
    public func handle(_ intent: Intent) async throws -> RecordedDecision {
        let recorded: RecordedDecision
        if let standing = try await log.decision(intentID: intent.id) {
            recorded = standing
        } else {
            guard let portfolio = tracker.portfolio else { throw EquityUnknown() }
            let decision = try engine.decide(intent, portfolio: portfolio, limits: try await limits(intent.symbol))
            recorded = try await log.record(decision, for: intent, at: clock.now())
            // Until execution reports it, count an approved entry as open, so a second entry on
            // the same symbol right behind it is refused.
            if case .approved(let approval) = recorded.decision, intent.kind == .entry {
                tracker.assumeOpened(approval)
            }
        }
        _ = try await producer.send(try DecisionMessages.message(for: recorded, venue: venue))
        return recorded
    }

    public func apply(position: Position, sequence: UInt64) {
        tracker.apply(position, sequence: sequence)
    }

    public func apply(equity: Money, at time: Timestamp) {
        tracker.apply(equity: equity, at: time)
    }
}
