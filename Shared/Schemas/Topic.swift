import SwiftProtobuf

/// Every Kafka topic Keel uses (DESIGN.md, "Topics"), with the protobuf message its values hold.
///
/// Keys are the symbol (`BTCUSDT`) unless the message's documentation says otherwise
/// (`account.equity.v1` is keyed by account, `ops.commands.v1` by symbol or `*`).
/// Each topic has a dead-letter topic, ``deadLetter``, that receives the original key and value
/// bytes of messages that could not be processed; the reason travels in Kafka headers, so there
/// is no dead-letter protobuf message.
public enum Topic: String, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    case mdTrades = "md.trades.v1"
    case mdCandles = "md.candles.v1"
    case mdBook = "md.book.v1"
    case mdTickers = "md.tickers.v1"
    case signalsIntents = "signals.intents.v1"
    case riskOrders = "risk.orders.v1"
    case riskRejections = "risk.rejections.v1"
    case execOrders = "exec.orders.v1"
    case execFills = "exec.fills.v1"
    case execPositions = "exec.positions.v1"
    case accountEquity = "account.equity.v1"
    case opsAlerts = "ops.alerts.v1"
    case opsCommands = "ops.commands.v1"

    /// Suffix appended to a topic name to form its dead-letter topic.
    public static let deadLetterSuffix = ".dlq"

    /// The topic name, e.g. `md.trades.v1`.
    public var name: String { rawValue }

    /// The dead-letter topic, e.g. `md.trades.v1.dlq`.
    public var deadLetter: String { rawValue + Self.deadLetterSuffix }

    public var description: String { rawValue }

    /// The topic whose dead-letter topic is `name`, or nil if `name` is not one.
    public init?(deadLetter name: String) {
        guard name.hasSuffix(Self.deadLetterSuffix) else { return nil }
        self.init(rawValue: String(name.dropLast(Self.deadLetterSuffix.count)))
    }

    /// Every topic name: the topics followed by their dead-letter topics.
    public static var allNames: [String] { allCases.map(\.name) + allCases.map(\.deadLetter) }

    /// Whether the topic is log-compacted (latest value per key), which topic creation must set.
    public var isCompacted: Bool { self == .execPositions }

    /// The protobuf message type of the topic's values.
    public var messageType: any SwiftProtobuf.Message.Type {
        switch self {
        case .mdTrades: Keel_V1_Trade.self
        case .mdCandles: Keel_V1_Candle.self
        case .mdBook: Keel_V1_BookSnapshot.self
        case .mdTickers: Keel_V1_Ticker.self
        case .signalsIntents: Keel_V1_Intent.self
        case .riskOrders: Keel_V1_ApprovedOrder.self
        case .riskRejections: Keel_V1_Rejection.self
        case .execOrders: Keel_V1_OrderUpdate.self
        case .execFills: Keel_V1_Fill.self
        case .execPositions: Keel_V1_PositionSnapshot.self
        case .accountEquity: Keel_V1_EquitySnapshot.self
        case .opsAlerts: Keel_V1_Alert.self
        case .opsCommands: Keel_V1_OperatorCommand.self
        }
    }
}
