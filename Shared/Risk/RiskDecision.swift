import Config
import Core

/// Why an intent was refused. The raw values are stable: they are stored with every decision
/// and mapped onto `risk.rejections.v1`'s reason codes.
public enum RiskRejectionReason: String, Sendable, Hashable, Codable, CaseIterable {
    case positionExists = "position_exists"
    case noPosition = "no_position"
    case maxOpenPositions = "max_open_positions"
    case invalidStop = "invalid_stop"
    case stopDistance = "stop_distance"
    case sizeBelowMinimum = "size_below_minimum"
    case insufficientEquity = "insufficient_equity"
    case duplicate = "duplicate_intent"
    case invalidIntent = "invalid_intent"
    case unknownSymbol = "unknown_symbol"
    case symbolNotAllowed = "symbol_not_allowed"
    case paused = "paused"
    case stale = "stale_intent"
    case expired = "expired"
    case priceFarFromMark = "price_far_from_mark"
    case noMarkPrice = "no_mark_price"
    case drawdownBreaker = "drawdown_breaker"
    case dailyLossLimit = "daily_loss_limit"
    case lossStreakCooldown = "loss_streak_cooldown"
    case stopOutCooldown = "stop_out_cooldown"
    case maxTotalNotional = "max_total_notional"
    case maxSymbolNotional = "max_symbol_notional"
    case correlatedExposure = "correlated_exposure"
    case leverageLimit = "leverage_limit"
}

/// One rule's finding on one intent.
public struct RuleVerdict: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// The rule is satisfied as the order stands.
        case pass
        /// The rule made the order smaller (or its leverage lower); `code` says which rule.
        case resize
        /// The rule refuses the intent.
        case reject
        /// The rule could not be applied because an earlier one made it meaningless (no stop, no size).
        case skipped
    }

    public let rule: RiskRule
    public let outcome: Outcome
    /// Set for a rejection.
    public let reason: RiskRejectionReason?
    /// The numbers behind the verdict, for humans.
    public let detail: String

    public init(rule: RiskRule, outcome: Outcome, reason: RiskRejectionReason? = nil, detail: String) {
        self.rule = rule
        self.outcome = outcome
        self.reason = reason
        self.detail = detail
    }

    /// The stable code: the rejection reason, or the rule's name.
    public var code: String { reason?.rawValue ?? rule.rawValue }
    public var description: String { "\(rule.rawValue): \(outcome.rawValue) (\(detail))" }
}

/// An intent turned into an order: how much, at what leverage, and what it risks.
public struct RiskApproval: Sendable, Hashable {
    public let intent: Intent
    public let quantity: Quantity
    public let leverage: FixedPoint
    /// Quote money lost if the stop is hit (zero for an exit).
    public let riskAmount: Money
    /// quantity × entry price.
    public let notional: Money
    public let reduceOnly: Bool
    /// Notes on how the size was reached, e.g. that margin capped it.
    public let notes: [String]

    public init(
        intent: Intent, quantity: Quantity, leverage: FixedPoint, riskAmount: Money, notional: Money, reduceOnly: Bool,
        notes: [String]
    ) {
        self.intent = intent
        self.quantity = quantity
        self.leverage = leverage
        self.riskAmount = riskAmount
        self.notional = notional
        self.reduceOnly = reduceOnly
        self.notes = notes
    }
}

public enum RiskDecision: Sendable, Hashable {
    case approved(RiskApproval)
    /// The first (most important) reason; the assessment lists every rule that refused.
    case rejected(RiskRejectionReason, detail: String)

    public var approval: RiskApproval? {
        if case .approved(let approval) = self { return approval }
        return nil
    }

    public var rejection: RiskRejectionReason? {
        if case .rejected(let reason, _) = self { return reason }
        return nil
    }
}

/// A limit the account is close to (an alert for humans, not a refusal).
public struct RiskWarning: Sendable, Hashable, Codable {
    public let rule: RiskRule
    public let detail: String
}

/// A decision with everything behind it: every enabled rule's verdict, in the order applied.
public struct RiskAssessment: Sendable, Hashable {
    public let decision: RiskDecision
    public let verdicts: [RuleVerdict]
    /// Set when this decision found the drawdown beyond its limit and tripped the breaker.
    public let trippedBreaker: String?
    public let warnings: [RiskWarning]

    public init(decision: RiskDecision, verdicts: [RuleVerdict], trippedBreaker: String? = nil, warnings: [RiskWarning] = []) {
        self.decision = decision
        self.verdicts = verdicts
        self.trippedBreaker = trippedBreaker
        self.warnings = warnings
    }

    /// Every rejection reason, in the order the rules were applied.
    public var rejectionReasons: [RiskRejectionReason] { verdicts.compactMap { $0.outcome == .reject ? $0.reason : nil } }
}
