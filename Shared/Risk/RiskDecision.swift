import Core

/// Why an intent was refused. The raw values are stable: they are stored with every decision
/// and mapped onto `risk.rejections.v1`'s reason codes.
public enum RiskRejectionReason: String, Sendable, Hashable, Codable, CaseIterable {
    case positionExists = "position_exists"
    case noPosition = "no_position"
    case maxOpenPositions = "max_open_positions"
    case invalidStop = "invalid_stop"
    case sizeBelowMinimum = "size_below_minimum"
    case insufficientEquity = "insufficient_equity"
}

/// An intent turned into an order: how much, at what leverage, and what it risks.
public struct RiskApproval: Sendable, Hashable {
    public let intent: Intent
    public let quantity: Quantity
    public let leverage: FixedPoint
    /// Quote money lost if the stop is hit (zero for an exit).
    public let riskAmount: Money
    /// quantity × reference price.
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
