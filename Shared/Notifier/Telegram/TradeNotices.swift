import Bus
import Core
import Schemas
import Store

/// What traders want on their phone besides alerts: entries, exits with their PnL, positions
/// the venue closed (stop-loss, take-profit, trailing stop), and risk's rejections. Built from
/// execution's and risk's messages plus the PnL execution recorded for the fills.
struct TradeNotices: Sendable {
    let pool: PostgresPool

    /// The notice for `message` with the key it is sent once under; nil when it is not worth one.
    func notice(for message: ConsumedMessage) async throws -> (key: String, text: String)? {
        switch message.topic {
        case Topic.execOrders.rawValue:
            let update = try message.decoded(as: "exec.orders.v1 OrderUpdate") { try Keel_V1_OrderUpdate(serializedBytes: $0) }
            return try await notice(for: update)
        case Topic.execFills.rawValue:
            let fill = try message.decoded(as: "exec.fills.v1 Fill") { try Keel_V1_Fill(serializedBytes: $0) }
            return try await notice(for: fill)
        case Topic.riskRejections.rawValue:
            let rejection = try message.decoded(as: "risk.rejections.v1 Rejection") { try Keel_V1_Rejection(serializedBytes: $0) }
            guard !rejection.reasons.contains(.duplicate) else { return nil }
            let side = rejection.side == .sell ? "short" : "long"
            let kind = rejection.kind == .exit ? "exit" : "entry"
            return ("rejection:\(rejection.intentID)", "🚫 \(rejection.symbol) \(side) \(kind) rejected by risk: \(rejection.message)")
        default:
            return nil
        }
    }

    private func notice(for update: Keel_V1_OrderUpdate) async throws -> (key: String, text: String)? {
        guard update.status == .filled else { return nil }
        let price = update.hasAvgFillPrice ? Self.text(update.avgFillPrice) : "?"
        let quantity = Self.text(update.filledQty)
        let key = "order:\(update.clientOrderID):filled"
        switch update.role {
        case .entry:
            let side = update.side == .buy ? "long" : "short"
            return (key, "✅ Entered \(update.symbol) \(side) \(quantity) @ \(price)")
        case .exit, .takeProfit:
            let pnl = try await realisedPnL(clientOrderID: update.clientOrderID)
            let what = update.role == .takeProfit ? "🎯 Take-profit" : "📤 Exit"
            return (key, "\(what) \(update.symbol) \(quantity) @ \(price) · PnL \(pnl) USDT")
        default:
            return nil
        }
    }

    /// A fill of an order Keel did not place that realised PnL: the venue closed (part of) a
    /// position by its stop-loss, take-profit or trailing stop.
    private func notice(for fill: Keel_V1_Fill) async throws -> (key: String, text: String)? {
        guard let row = try await pool.execute(
            "SELECT client_order_id, realised_pnl::text FROM exec_fills WHERE fill_id = $1", [fill.fillID]).rows.first,
            try row.string(0).isEmpty, try Money(parsing: row.string(1)).isZero == false
        else { return nil }
        return ("fill:\(fill.fillID)",
                "🔔 \(fill.symbol) closed on the venue (stop-loss, take-profit or trailing stop): \(Self.text(fill.qty)) @ \(Self.text(fill.price)) · PnL \(try row.string(1)) USDT")
    }

    private func realisedPnL(clientOrderID: String) async throws -> String {
        try await pool.execute(
            "SELECT coalesce(sum(realised_pnl), 0)::text FROM exec_fills WHERE client_order_id = $1", [clientOrderID]
        ).single().string(0)
    }

    static func text(_ decimal: Keel_V1_Decimal) -> String {
        (try? decimal.fixedPoint("notice", "value").description) ?? "?"
    }
}
