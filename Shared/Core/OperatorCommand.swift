/// An operator's command to risk (`ops.commands.v1`): from Telegram, the API, the dashboard or
/// the CLI. Risk applies each id once, and only from an issuer in `risk.operators`.
public struct OperatorCommand: Sendable, Equatable {
    public enum Action: Sendable, Hashable {
        case pause
        case resume
        case resetBreaker(drawdown: Bool, dailyLoss: Bool)
        case flattenAll
        case closeSymbol(Symbol)

        /// Both breakers re-armed.
        public static let resetBreakers = Action.resetBreaker(drawdown: true, dailyLoss: true)

        public var name: String {
            switch self {
            case .pause: "pause"
            case .resume: "resume"
            case .resetBreaker: "reset_breaker"
            case .flattenAll: "flatten_all"
            case .closeSymbol: "close_symbol"
            }
        }

        public var symbol: Symbol? {
            if case .closeSymbol(let symbol) = self { return symbol }
            return nil
        }
    }

    public let id: String
    public let issuedBy: String
    public let reason: String
    public let action: Action
    public let issuedAt: Timestamp

    public init(id: String, issuedBy: String, reason: String = "", action: Action, issuedAt: Timestamp) {
        self.id = id
        self.issuedBy = issuedBy
        self.reason = reason
        self.action = action
        self.issuedAt = issuedAt
    }
}
