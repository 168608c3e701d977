import Core

/// A command an operator sends the bot, parsed. `/flatten` asks for a confirmation:
/// `/flatten confirm` within the confirmation window does it.
public enum OperatorRequest: Sendable, Hashable {
    case status, positions, pnl, pause, resume, help
    case close(Symbol)
    case flatten
    case confirmFlatten

    /// What the bot answers to `/help` and to anything it does not understand.
    public static let usage = """
        /status — pause and breaker state, open positions, equity
        /positions — open positions with unrealised PnL
        /pnl — today's realised PnL and equity
        /pause, /resume — stop or allow new entries
        /close SYMBOL — close one position at the market
        /flatten — close every position (asks to confirm)
        """

    /// The request in `text`, or why it is not one (a message that names the problem).
    public static func parse(_ text: String) -> Result<OperatorRequest, OperatorRequestError> {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let first = words.first, first.hasPrefix("/") else {
            return .failure(OperatorRequestError("not a command; commands start with /"))
        }
        // "/pause@KeelBot" in group chats names the bot.
        let name = first.dropFirst().split(separator: "@").first.map { $0.lowercased() } ?? ""
        let arguments = Array(words.dropFirst())
        func bare(_ request: OperatorRequest) -> Result<OperatorRequest, OperatorRequestError> {
            arguments.isEmpty ? .success(request) : .failure(OperatorRequestError("/\(name) takes no arguments"))
        }
        switch name {
        case "status": return bare(.status)
        case "positions": return bare(.positions)
        case "pnl": return bare(.pnl)
        case "pause": return bare(.pause)
        case "resume": return bare(.resume)
        case "help", "start": return bare(.help)
        case "close":
            guard arguments.count == 1 else { return .failure(OperatorRequestError("usage: /close SYMBOL, e.g. /close BTCUSDT")) }
            guard let symbol = try? Symbol(arguments[0].uppercased()) else {
                return .failure(OperatorRequestError("\(arguments[0]) is not a symbol"))
            }
            return .success(.close(symbol))
        case "flatten":
            if arguments.isEmpty { return .success(.flatten) }
            if arguments.count == 1, arguments[0].lowercased() == "confirm" { return .success(.confirmFlatten) }
            return .failure(OperatorRequestError("usage: /flatten, then /flatten confirm"))
        default:
            return .failure(OperatorRequestError("unknown command /\(name)"))
        }
    }
}

public struct OperatorRequestError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
