import Core
import Foundation
import Risk
import Store

/// A decision as recorded: what was decided for which intent, and when.
public struct RecordedDecision: Sendable, Hashable {
    public let intent: Intent
    public let decision: RiskDecision
    public let decidedAt: Timestamp
}

/// Risk decisions in PostgreSQL, one per intent id. The first decision recorded for an intent
/// stands: recording again returns it unchanged, so a redelivered intent is answered the same
/// way (and execution, keyed by the intent id, places at most one order).
public struct RiskDecisionLog: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Records `decision` for `intent` unless the intent already has one; returns the decision
    /// that stands.
    public func record(_ decision: RiskDecision, for intent: Intent, at time: Timestamp) async throws -> RecordedDecision {
        let approval = decision.approval
        let (reason, detail): (String?, String) = switch decision {
        case .approved: (nil, "")
        case .rejected(let reason, let detail): (reason.rawValue, detail)
        }
        let inserted = try await pool.execute(
            """
            INSERT INTO risk_decisions (intent_id, strategy, symbol, approved, reason, detail, quantity, leverage,
                                        risk_amount, notional, reduce_only, notes, intent, decided_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7::numeric, $8::numeric, $9::numeric, $10::numeric, $11, $12::jsonb, $13::jsonb,
                    to_timestamp($14::bigint / 1000.0))
            ON CONFLICT (intent_id) DO NOTHING
            """,
            [
                intent.id, intent.strategy, intent.symbol.rawValue, approval != nil, reason, detail,
                approval?.quantity, approval?.leverage, approval?.riskAmount, approval?.notional,
                approval?.reduceOnly ?? false, try Self.json(approval?.notes ?? []), try Self.json(intent), time.milliseconds,
            ])
        if inserted.affectedRows == 1 { return RecordedDecision(intent: intent, decision: decision, decidedAt: time) }
        guard let standing = try await self.decision(intentID: intent.id) else {
            throw LedgerError.missing("risk decision for intent \(intent.id) conflicted but cannot be read")
        }
        return standing
    }

    /// The decision recorded for `intentID`, if any.
    public func decision(intentID: String) async throws -> RecordedDecision? {
        try await pool.execute("\(Self.select) WHERE intent_id = $1", [intentID]).rows.first.map(Self.recorded)
    }

    /// The latest decisions, newest first.
    public func recent(limit: Int) async throws -> [RecordedDecision] {
        try await pool.execute("\(Self.select) ORDER BY decided_at DESC, intent_id LIMIT $1", [limit]).rows.map(Self.recorded)
    }

    private static let select = """
        SELECT intent::text AS intent, approved, reason, detail, quantity, leverage, risk_amount, notional, reduce_only,
               notes::text AS notes, (extract(epoch FROM decided_at) * 1000)::bigint AS decided_ms
        FROM risk_decisions
        """

    private static func recorded(_ row: PostgresRow) throws -> RecordedDecision {
        let intent = try JSONDecoder().decode(Intent.self, from: Data(try row.string("intent").utf8))
        let decision: RiskDecision
        if try row.bool("approved") {
            decision = .approved(RiskApproval(
                intent: intent, quantity: try row.decode(Quantity.self, "quantity"), leverage: try row.decode(FixedPoint.self, "leverage"),
                riskAmount: try row.decode(Money.self, "risk_amount"), notional: try row.decode(Money.self, "notional"),
                reduceOnly: try row.bool("reduce_only"),
                notes: try JSONDecoder().decode([String].self, from: Data(try row.string("notes").utf8))))
        } else {
            let text = try row.string("reason")
            guard let reason = RiskRejectionReason(rawValue: text) else {
                throw LedgerError.missing("unknown rejection reason \(text) recorded for intent \(intent.id)")
            }
            decision = .rejected(reason, detail: try row.string("detail"))
        }
        return RecordedDecision(intent: intent, decision: decision, decidedAt: Timestamp(milliseconds: try row.int64("decided_ms")))
    }

    private static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// A record the ledger should hold and does not, or holds in a form it cannot read.
public enum LedgerError: Error, Sendable, CustomStringConvertible {
    case missing(String)

    public var description: String {
        switch self {
        case .missing(let detail): return detail
        }
    }
}
