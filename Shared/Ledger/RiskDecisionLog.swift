import Core
import Foundation
import Risk
import Store

/// A decision as recorded: what was decided for which intent, when, and every rule's verdict.
public struct RecordedDecision: Sendable, Hashable {
    public let intent: Intent
    public let decision: RiskDecision
    public let decidedAt: Timestamp
    /// Every enabled rule's verdict, in the order applied (empty for decisions recorded before
    /// verdicts were kept).
    public let verdicts: [RuleVerdict]

    public init(intent: Intent, decision: RiskDecision, decidedAt: Timestamp, verdicts: [RuleVerdict] = []) {
        self.intent = intent
        self.decision = decision
        self.decidedAt = decidedAt
        self.verdicts = verdicts
    }
}

/// A decision row as stored, readable even when the intent was malformed (and so cannot be
/// read back as an `Intent`): what `keel`/the API show when asked about an intent id.
public struct DecisionRecord: Sendable, Hashable {
    public let intentID: String
    public let symbol: String
    public let approved: Bool
    public let reason: String?
    public let detail: String
    /// The verdicts as stored (a JSON array).
    public let verdictsJSON: String
    /// What the decision saw: equity, positions, market and account state (a JSON object).
    public let inputsJSON: String
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
    public func record(
        _ decision: RiskDecision, for intent: Intent, at time: Timestamp, verdicts: [RuleVerdict] = [], inputs: String = "{}"
    ) async throws -> RecordedDecision {
        try await pool.withConnection { connection in
            try await record(decision, for: intent, at: time, verdicts: verdicts, inputs: inputs, on: connection)
        }
    }

    /// `record` on `connection` (e.g. inside the decision's transaction).
    public func record(
        _ decision: RiskDecision, for intent: Intent, at time: Timestamp, verdicts: [RuleVerdict], inputs: String,
        on connection: PostgresConnection
    ) async throws -> RecordedDecision {
        let approval = decision.approval
        let (reason, detail): (String?, String) = switch decision {
        case .approved: (nil, "")
        case .rejected(let reason, let detail): (reason.rawValue, detail)
        }
        let inserted = try await connection.execute(
            """
            INSERT INTO risk_decisions (intent_id, strategy, symbol, approved, reason, detail, quantity, leverage,
                                        risk_amount, notional, reduce_only, notes, intent, decided_at, verdicts, inputs)
            VALUES ($1, $2, $3, $4, $5, $6, $7::numeric, $8::numeric, $9::numeric, $10::numeric, $11, $12::jsonb, $13::jsonb,
                    to_timestamp($14::bigint / 1000.0), $15::jsonb, $16::jsonb)
            ON CONFLICT (intent_id) DO NOTHING
            """,
            [
                intent.id, intent.strategy, intent.symbol.rawValue, approval != nil, reason, detail,
                approval?.quantity, approval?.leverage, approval?.riskAmount, approval?.notional,
                approval?.reduceOnly ?? false, try Self.json(approval?.notes ?? []), try Self.json(intent), time.milliseconds,
                try Self.json(verdicts), inputs,
            ])
        if inserted.affectedRows == 1 {
            return RecordedDecision(intent: intent, decision: decision, decidedAt: time, verdicts: verdicts)
        }
        guard let standing = try await self.decision(intentID: intent.id, on: connection) else {
            throw LedgerError.missing("risk decision for intent \(intent.id) conflicted but cannot be read")
        }
        return standing
    }

    /// Records the rejection of an intent that could not even be read (missing fields, NaN,
    /// negative prices): `intent` holds the message as received, as JSON.
    public func recordInvalid(
        intentID: String, strategy: String, symbol: String, detail: String, received: String, at time: Timestamp
    ) async throws {
        let verdict = RuleVerdict(rule: .duplicateIntent, outcome: .skipped, detail: "the intent could not be read")
        try await pool.execute(
            """
            INSERT INTO risk_decisions (intent_id, strategy, symbol, approved, reason, detail, intent, decided_at, verdicts, inputs)
            VALUES ($1, $2, $3, false, $4, $5, $6::jsonb, to_timestamp($7::bigint / 1000.0), $8::jsonb, '{}'::jsonb)
            ON CONFLICT (intent_id) DO NOTHING
            """,
            [intentID, strategy, symbol, RiskRejectionReason.invalidIntent.rawValue, detail, received, time.milliseconds,
             try Self.json([verdict])])
    }

    /// The decision recorded for `intentID`, if any.
    public func decision(intentID: String) async throws -> RecordedDecision? {
        try await pool.withConnection { connection in try await decision(intentID: intentID, on: connection) }
    }

    public func decision(intentID: String, on connection: PostgresConnection) async throws -> RecordedDecision? {
        let row = try await connection.execute("\(Self.select) WHERE intent_id = $1", [intentID]).rows.first
        guard let row else { return nil }
        // A malformed intent's row is a rejection that cannot be decided again either way.
        return try? Self.recorded(row)
    }

    /// The stored row for `intentID` with its verdicts and inputs, whether or not the intent was readable.
    public func record(intentID: String) async throws -> DecisionRecord? {
        let row = try await pool.execute(
            """
            SELECT intent_id, symbol, approved, reason, detail, verdicts::text AS verdicts, inputs::text AS inputs
            FROM risk_decisions WHERE intent_id = $1
            """, [intentID]).rows.first
        guard let row else { return nil }
        return DecisionRecord(
            intentID: try row.string("intent_id"), symbol: try row.string("symbol"), approved: try row.bool("approved"),
            reason: try row.optionalString("reason"), detail: try row.string("detail"), verdictsJSON: try row.string("verdicts"),
            inputsJSON: try row.string("inputs"))
    }

    /// Approved entries decided at or after `since`: orders execution may not have reported yet.
    public func approvedEntries(since: Timestamp, on connection: PostgresConnection) async throws -> [RecordedDecision] {
        try await connection.execute(
            "\(Self.select) WHERE approved AND NOT reduce_only AND decided_at >= to_timestamp($1::bigint / 1000.0)",
            [since.milliseconds]
        ).rows.compactMap { try? Self.recorded($0) }
    }

    /// The latest decisions, newest first (rows of unreadable intents left out).
    public func recent(limit: Int) async throws -> [RecordedDecision] {
        try await pool.execute("\(Self.select) ORDER BY decided_at DESC, intent_id LIMIT $1", [limit]).rows.compactMap {
            try? Self.recorded($0)
        }
    }

    private static let select = """
        SELECT intent::text AS intent, approved, reason, detail, quantity, leverage, risk_amount, notional, reduce_only,
               notes::text AS notes, (extract(epoch FROM decided_at) * 1000)::bigint AS decided_ms, verdicts::text AS verdicts
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
        let verdicts = (try? JSONDecoder().decode([RuleVerdict].self, from: Data(try row.string("verdicts").utf8))) ?? []
        return RecordedDecision(
            intent: intent, decision: decision, decidedAt: Timestamp(milliseconds: try row.int64("decided_ms")), verdicts: verdicts)
    }

    static func json(_ value: some Encodable) throws -> String {
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
