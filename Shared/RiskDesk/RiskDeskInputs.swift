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

    /// The venue's limits for `symbol`, or nil when the venue does not list it (an intent for it
    /// is rejected as `unknown_symbol`); any other failure (the venue unreachable) throws, so the
    /// intent is retried.
    public static func lookUp(_ symbol: Symbol, in client: BybitRESTClient) async throws -> InstrumentLimits? {
        do {
            return InstrumentLimits(try await client.requireRules(for: symbol))
        } catch is UnknownInstrumentError {
            return nil
        }
    }
}

extension RiskDesk {
    /// The topics each instance reads in a group of its own (every partition), from the start:
    /// the account, closed trades and operator commands.
    public static let accountTopics: [Topic] = [.execPositions, .accountEquity, .execFills, .opsCommands]
    /// The market topics each instance reads in the same group of its own: marks and candles
    /// (older marks than the one held are ignored; candles rebuild the returns and volatility).
    public static let marketTopics: [Topic] = [.mdTickers, .mdCandles]

    /// Handles one `signals.intents.v1` message. An intent that cannot be read but names its id
    /// and symbol is rejected (`invalid_intent`), recorded and answered; one that cannot even be
    /// parsed is an `InvalidMessage` (dead-lettered with the reason).
    public func consumeIntent(_ message: ConsumedMessage) async throws {
        let parsed: Keel_V1_Intent
        do {
            parsed = try Keel_V1_Intent(serializedBytes: message.value)
        } catch {
            throw InvalidMessage("not a valid signals.intents.v1 Intent: \(error)")
        }
        let intent: Intent
        do {
            intent = try parsed.intent()
        } catch {
            guard try await rejectUnreadable(parsed, reason: "\(error)") else {
                throw InvalidMessage("not a valid signals.intents.v1 Intent (no id or symbol to answer): \(error)")
            }
            return
        }
        try await handle(intent)
    }

    /// Applies one message of `accountTopics` or `marketTopics`.
    public func consumeShared(_ message: ConsumedMessage) async throws {
        if message.topic == Topic.opsCommands.rawValue {
            try await consumeCommand(message)
            return
        }
        do {
            switch message.topic {
            case Topic.execPositions.rawValue:
                let snapshot = try Keel_V1_PositionSnapshot(serializedBytes: message.value)
                apply(position: try snapshot.position(), sequence: snapshot.sequence, at: Timestamp(milliseconds: snapshot.timeMs))
            case Topic.accountEquity.rawValue:
                let snapshot = try Keel_V1_EquitySnapshot(serializedBytes: message.value)
                apply(equity: try snapshot.equityValue(), at: Timestamp(milliseconds: snapshot.timeMs))
            case Topic.execFills.rawValue:
                let fill = try Keel_V1_Fill(serializedBytes: message.value)
                let realised = try Self.decimal(fill.realisedPnl)
                guard !realised.isZero, !fill.fillID.isEmpty else { return }
                let pnl = try realised.subtracting(try Self.decimal(fill.fee))
                apply(
                    closingFill: ClosedTrade(
                        symbol: try Symbol(fill.symbol), pnl: Money(pnl), closedAt: Timestamp(milliseconds: fill.timeMs),
                        stoppedOut: fill.role == .stopLoss),
                    fillID: fill.fillID, orderID: fill.venueOrderID)
            case Topic.mdTickers.rawValue:
                let ticker = try Keel_V1_Ticker(serializedBytes: message.value)
                let mark = try Self.decimal(ticker.markPrice)
                guard mark.isPositive else { return }
                apply(mark: Price(mark), at: Timestamp(milliseconds: ticker.timeMs), symbol: try Symbol(ticker.symbol))
            case Topic.mdCandles.rawValue:
                apply(candle: try Keel_V1_Candle(serializedBytes: message.value).candle())
            default:
                throw InvalidMessage("risk does not read \(message.topic)")
            }
        } catch let invalid as InvalidMessage {
            throw invalid
        } catch {
            throw InvalidMessage("not a valid \(message.topic) message: \(error)")
        }
    }

    /// Backwards-compatible name for the account topics' handler.
    public func consumeAccount(_ message: ConsumedMessage) async throws {
        try await consumeShared(message)
    }

    /// Handles one `ops.commands.v1` message: a malformed command, or one from an issuer that
    /// is not a configured operator, is refused, logged and dead-lettered with the reason.
    public func consumeCommand(_ message: ConsumedMessage) async throws {
        let command = try Self.command(message)
        if case .refused(let why) = try await apply(command) {
            throw InvalidMessage("operator command \(command.id) refused: \(why)")
        }
    }

    /// Reads and checks an `ops.commands.v1` message; every problem is an `InvalidMessage`.
    static func command(_ message: ConsumedMessage) throws -> OperatorCommand {
        let parsed: Keel_V1_OperatorCommand
        do {
            parsed = try Keel_V1_OperatorCommand(serializedBytes: message.value)
        } catch {
            throw InvalidMessage("not a valid ops.commands.v1 OperatorCommand: \(error)")
        }
        do {
            return try OperatorCommand(parsed)
        } catch {
            throw InvalidMessage("not a valid operator command: \(error)")
        }
    }

    static func decimal(_ value: Keel_V1_Decimal) throws -> FixedPoint {
        guard value.scale <= UInt32(FixedPoint.maxScale) else { throw InvalidMessage("decimal scale \(value.scale) is too large") }
        return try FixedPoint(units: value.units, scale: UInt8(value.scale))
    }
}
