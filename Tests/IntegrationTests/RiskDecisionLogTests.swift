import Core
import Ledger
import Risk
import Store
import Testing

/// Risk decisions in the real PostgreSQL: the first decision for an intent stands.
@Suite("Risk decision log")
struct RiskDecisionLogTests {
    let btc = try! Symbol("BTCUSDT")
    let limits = InstrumentLimits(
        qtyStep: try! Quantity(parsing: "0.001"), minOrderQty: try! Quantity(parsing: "0.001"),
        minNotional: try! Money(parsing: "5"), maxLeverage: FixedPoint(integer: 100))

    func entry(at minute: Int64) throws -> Intent {
        let time = Timestamp(milliseconds: 1_767_225_600_000 + minute * 900_000)
        return try Intent(
            id: Intent.deriveID(strategy: "macd_rsi", symbol: btc, timeframe: .m15, candleTime: time, kind: .entry, side: .buy),
            strategy: "macd_rsi", symbol: btc, side: .buy, kind: .entry, referencePrice: try Price(parsing: "60000.1"),
            stopLoss: try Price(parsing: "59000.1"), takeProfits: [.whole(at: try Price(parsing: "62000"))], timeframe: .m15,
            candleTime: time, createdAt: time)
    }

    @Test func theFirstDecisionForAnIntentStandsAndReadsBackExactly() async throws {
        try await withScratchDatabase("risk_decisions") { config in
            let pool = PostgresPool(config: config)
            defer { Task { await pool.close() } }
            _ = try await Migrator().migrate(pool)
            let log = RiskDecisionLog(pool: pool)
            let intent = try entry(at: 0)
            let approved = try RiskEngine().decide(intent, portfolio: Portfolio(equity: try Money(parsing: "10000"), positions: []), limits: limits)
            let decidedAt = Timestamp(milliseconds: 1_767_225_601_234)
            let first = try await log.record(approved, for: intent, at: decidedAt)
            #expect(first.decision == approved)

            // The same intent again, decided differently this time (its symbol now has a
            // position): the recorded approval stands.
            let position = try Position(symbol: btc, side: .buy, size: try Quantity(parsing: "0.1"), averageEntryPrice: try Price(parsing: "60000"), realisedPnL: .zero, leverage: FixedPoint(integer: 5))
            let second = try RiskEngine().decide(intent, portfolio: Portfolio(equity: try Money(parsing: "10000"), positions: [position]), limits: limits)
            #expect(second.rejection == .positionExists)
            let standing = try await log.record(second, for: intent, at: decidedAt.adding(milliseconds: 5_000))
            #expect(standing.decision == approved && standing.decidedAt == decidedAt)

            let rejectedIntent = try entry(at: 1)
            _ = try await log.record(second, for: rejectedIntent, at: decidedAt.adding(milliseconds: 900_000))
            let read = try #require(try await log.decision(intentID: rejectedIntent.id))
            #expect(read.decision == second && read.intent == rejectedIntent)
            #expect(try await log.recent(limit: 10).map(\.intent.id) == [rejectedIntent.id, intent.id])
            #expect(try await log.decision(intentID: "nope") == nil)
        }
    }
}
