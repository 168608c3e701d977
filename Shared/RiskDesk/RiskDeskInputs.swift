import Bus
import Core
import Exchange
import Risk
import Schemas

extension InstrumentLimits {
    /// The limits risk sizes within, from the venue's instrument rules.
    public init(_ rules: InstrumentRules) {
        self.init(
            qtyStep: rules.qtyStep, minOrderQty: rules.minOrderQty, minNotional: rules.minNotional, maxLeverage: rules.maxLeverage,
            maxOrderQty: rules.maxMarketOrderQty)
    }
}

extension RiskDesk {
    /// Handles one `signals.intents.v1` message; a message that is not a valid intent is an
    /// `InvalidMessage` (dead-lettered, never retried).
    public func consumeIntent(_ message: ConsumedMessage) async throws {
        try await handle(message.decoded(as: "signals.intents.v1 Intent") { try Keel_V1_Intent(serializedBytes: $0).intent() })
    }

    /// Applies one `exec.positions.v1` or `account.equity.v1` message.
    public func consumeAccount(_ message: ConsumedMessage) async throws {
        do {
            switch message.topic {
            case Topic.execPositions.rawValue:
                let snapshot = try Keel_V1_PositionSnapshot(serializedBytes: message.value)
                apply(position: try snapshot.position(), sequence: snapshot.sequence)
            case Topic.accountEquity.rawValue:
                let snapshot = try Keel_V1_EquitySnapshot(serializedBytes: message.value)
                apply(equity: try snapshot.equityValue(), at: Timestamp(milliseconds: snapshot.timeMs))
            default:
                throw InvalidMessage("risk does not read \(message.topic)")
            }
        } catch let invalid as InvalidMessage {
            throw invalid
        } catch {
            throw InvalidMessage("not a valid \(message.topic) snapshot: \(error)")
        }
    }
}
