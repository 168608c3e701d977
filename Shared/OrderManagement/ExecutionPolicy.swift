import Config
import Core

/// How execution carries out an approved entry, the same live and in backtests.
public struct ExecutionPolicy: Sendable, Hashable {
    /// Limit entries never take liquidity.
    public var postOnlyEntries: Bool
    public var limitEntryTimeoutMs: Int64
    public var entryTimeout: EntryTimeoutAction
    public var trailing: TrailingVenue
    /// A position held this long is closed at the market; nil: never.
    public var maxHoldingMs: Int64?

    public init(
        postOnlyEntries: Bool = true, limitEntryTimeoutMs: Int64 = 60_000, entryTimeout: EntryTimeoutAction = .cancel,
        trailing: TrailingVenue = .exchange, maxHoldingMs: Int64? = nil
    ) {
        self.postOnlyEntries = postOnlyEntries
        self.limitEntryTimeoutMs = limitEntryTimeoutMs
        self.entryTimeout = entryTimeout
        self.trailing = trailing
        self.maxHoldingMs = maxHoldingMs
    }
}

extension TradePlan {
    /// The plan of an approved entry: the ladder when risk sized one (see
    /// `ApprovedOrder.hasTakeProfitLadder`), the
    /// policy's entry, trailing and time-exit choices, and the instrument's tick and step.
    public init(_ order: ApprovedOrder, policy: ExecutionPolicy, priceTick: Price, quantityStep: Quantity) throws {
        let entry: EntryPlan = switch order.entry {
        case .market: .market
        case .limit(let price):
            .limit(price: price, postOnly: policy.postOnlyEntries, timeoutMs: policy.limitEntryTimeoutMs, onTimeout: policy.entryTimeout)
        }
        let ladder = order.hasTakeProfitLadder
            ? zip(order.takeProfits, order.takeProfitQuantities).map { LadderStep(price: $0, quantity: $1) } : []
        guard let stop = order.stopLoss else { throw InvalidTradePlan(intentID: order.intentID, reason: "an entry without a stop-loss") }
        self.init(
            intentID: order.intentID, symbol: order.symbol, side: order.side, quantity: order.quantity, entry: entry,
            stopLoss: stop, ladder: ladder, breakEvenAfterStep: ladder.isEmpty ? 0 : order.breakEvenAfterTarget,
            trailing: order.trailing.map { TrailingPlan(offset: $0.offset, afterTarget: ladder.isEmpty ? 0 : $0.afterTarget, venue: policy.trailing) },
            expiresAt: order.expiresAt, maxHoldingMs: policy.maxHoldingMs, priceTick: priceTick, quantityStep: quantityStep)
    }
}

/// An approved order no trade can be planned from.
public struct InvalidTradePlan: Error, Sendable, CustomStringConvertible {
    public let intentID: String
    public let reason: String
    public var description: String { "intent \(intentID): \(reason)" }
}

extension ExecutionPolicy {
    /// The policy `execution.*` configures.
    public init(_ config: ExecutionConfig) {
        self.init(
            postOnlyEntries: config.postOnlyEntries, limitEntryTimeoutMs: Int64(config.limitEntryTimeoutMs),
            entryTimeout: config.entryTimeout == .market ? .market : .cancel, trailing: config.trailing == .client ? .client : .exchange,
            maxHoldingMs: config.maxHoldingMinutes == 0 ? nil : Int64(config.maxHoldingMinutes) * 60_000)
    }
}
