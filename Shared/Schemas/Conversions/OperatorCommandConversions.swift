import Core

extension OperatorCommand {
    /// The command of an `ops.commands.v1` message, checked.
    public init(_ message: Keel_V1_OperatorCommand) throws(SchemaConversionError) {
        func refuse(_ field: String, _ reason: String) -> SchemaConversionError {
            SchemaConversionError(message: "OperatorCommand \(message.commandID)", field: field, reason: reason)
        }
        guard !message.commandID.isEmpty else { throw refuse("command_id", "missing") }
        guard !message.issuedBy.isEmpty else { throw refuse("issued_by", "missing") }
        let action: Action
        switch message.command {
        case .pause?: action = .pause
        case .resume?: action = .resume
        case .resetBreaker(let reset)?:
            switch reset.breaker {
            case .all: action = .resetBreakers
            case .drawdown: action = .resetBreaker(drawdown: true, dailyLoss: false)
            case .dailyLoss: action = .resetBreaker(drawdown: false, dailyLoss: true)
            case .unspecified, .UNRECOGNIZED: throw refuse("reset_breaker.breaker", "names no breaker")
            }
        case .flattenAll?: action = .flattenAll
        case .closeSymbol(let close)?:
            guard let symbol = try? Symbol(close.symbol) else {
                throw refuse("close_symbol.symbol", "\"\(close.symbol)\" is not a valid symbol")
            }
            action = .closeSymbol(symbol)
        case nil: throw refuse("command", "carries no command")
        }
        self.init(
            id: message.commandID, issuedBy: message.issuedBy, reason: message.reason, action: action,
            issuedAt: Timestamp(milliseconds: message.issuedMs))
    }
}

extension Keel_V1_OperatorCommand {
    public init(_ command: OperatorCommand) {
        self.init()
        commandID = command.id
        issuedBy = command.issuedBy
        reason = command.reason
        issuedMs = command.issuedAt.milliseconds
        switch command.action {
        case .pause: pause = .init()
        case .resume: resume = .init()
        case .resetBreaker(let drawdown, let dailyLoss):
            resetBreaker = .with { $0.breaker = drawdown && dailyLoss ? .all : drawdown ? .drawdown : .dailyLoss }
        case .flattenAll: flattenAll = .init()
        case .closeSymbol(let symbol): closeSymbol = .with { $0.symbol = symbol.rawValue }
        }
    }

    /// The topic's key: the symbol of a close, "*" (all symbols) otherwise.
    public var partitionKey: String {
        if case .closeSymbol(let close)? = command { return close.symbol }
        return "*"
    }
}
