import Bus
import Core
import Ledger
import Risk
import Schemas

/// A recorded decision as the message risk publishes: `risk.orders.v1` for an approval,
/// `risk.rejections.v1` for a rejection, keyed by symbol.
enum DecisionMessages {
    static func message(for recorded: RecordedDecision, venue: Keel_V1_Venue, rulesVersion: String) throws -> OutgoingMessage {
        let intent = recorded.intent
        let key = Array(intent.symbol.rawValue.utf8)
        switch recorded.decision {
        case .approved(let approval):
            var order = Keel_V1_ApprovedOrder()
            order.orderID = intent.id
            order.intentID = intent.id
            order.strategy = intent.strategy
            order.symbol = intent.symbol.rawValue
            order.venue = venue
            order.side = Keel_V1_Side(intent.side)
            order.kind = intent.kind == .entry ? .entry : .exit
            switch intent.entry {
            case .market:
                order.orderType = .market
                order.timeInForce = .ioc
            case .limit(let price):
                order.orderType = .limit
                order.timeInForce = .gtc
                order.limitPrice = Keel_V1_Decimal(price)
            }
            order.breakEvenAfterTarget = UInt32(intent.breakEvenAfterTarget)
            if let expiry = intent.expiresAt { order.expiresMs = expiry.milliseconds }
            order.reduceOnly = approval.reduceOnly
            order.qty = Keel_V1_Decimal(approval.quantity)
            order.referencePrice = Keel_V1_Decimal(intent.referencePrice)
            order.leverage = Keel_V1_Decimal(approval.leverage)
            if let stop = intent.stopLoss { order.stopLoss = Keel_V1_Decimal(stop) }
            order.takeProfits = try ladder(intent.takeProfits, quantity: approval.quantity)
            if let rule = intent.trailing { order.trailing = Keel_V1_TrailingStop(rule) }
            order.riskAmount = Keel_V1_Decimal(approval.riskAmount)
            order.notional = Keel_V1_Decimal(approval.notional)
            order.decidedMs = recorded.decidedAt.milliseconds
            order.reasons = approval.notes
            order.rulesVersion = rulesVersion
            return OutgoingMessage(topic: Topic.riskOrders.rawValue, key: key, value: try order.serializedBytes())
        case .rejected(let reason, let detail):
            var rejection = Keel_V1_Rejection()
            rejection.intentID = intent.id
            rejection.strategy = intent.strategy
            rejection.symbol = intent.symbol.rawValue
            rejection.side = Keel_V1_Side(intent.side)
            rejection.kind = intent.kind == .entry ? .entry : .exit
            // Every rule that refused, most important first; the message names each stable code.
            let reasons = recorded.verdicts.compactMap { $0.outcome == .reject ? $0.reason : nil }
            let all = reasons.isEmpty ? [reason] : reasons
            var codes: [Keel_V1_RejectReason] = []
            for code in all.map(Keel_V1_RejectReason.init) where !codes.contains(code) { codes.append(code) }
            rejection.reasons = codes
            let others = all.dropFirst().map(\.rawValue)
            rejection.message = "[\(reason.rawValue)] \(detail)" + (others.isEmpty ? "" : "; also: \(others.joined(separator: ", "))")
            rejection.rulesVersion = rulesVersion
            rejection.decidedMs = recorded.decidedAt.milliseconds
            return OutgoingMessage(topic: Topic.riskRejections.rawValue, key: key, value: try rejection.serializedBytes())
        }
    }
}

/// The take-profit ladder with each step's quantity (`RiskApproval.ladderQuantities`).
func ladder(_ targets: [TakeProfitTarget], quantity: Quantity) throws -> [Keel_V1_TakeProfitTarget] {
    try zip(targets, RiskApproval.ladderQuantities(targets, quantity: quantity)).map { target, qty in
        var step = Keel_V1_TakeProfitTarget(target)
        step.qty = Keel_V1_Decimal(qty)
        return step
    }
}

extension Keel_V1_RejectReason {
    /// The topic's nearest code; the stable reason itself travels in the message text.
    init(_ reason: RiskRejectionReason) {
        self = switch reason {
        case .positionExists: .positionExists
        case .noPosition: .noPosition
        case .maxOpenPositions: .maxOpenPositions
        case .invalidStop, .stopDistance: .invalidStop
        case .sizeBelowMinimum: .sizeBelowMinimum
        case .insufficientEquity: .insufficientMargin
        case .leverageLimit: .leverageLimit
        case .duplicate: .duplicate
        case .invalidIntent: .invalidIntent
        case .unknownSymbol, .symbolNotAllowed: .symbolNotAllowed
        case .paused: .paused
        case .stale, .noMarkPrice: .staleMarketData
        case .expired: .expired
        case .priceFarFromMark: .invalidIntent
        case .drawdownBreaker: .drawdownBreaker
        case .dailyLossLimit, .lossStreakCooldown, .stopOutCooldown: .dailyLossBreaker
        case .maxTotalNotional, .maxSymbolNotional: .maxExposure
        case .correlatedExposure: .correlation
        }
    }
}
