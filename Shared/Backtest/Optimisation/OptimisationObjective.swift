/// What the optimiser maximises. A point whose objective is undefined (a ratio without the
/// data for it, fewer trades than required, a non-finite value) does not qualify: it ranks
/// below every point that does.
public enum OptimisationObjective: Sendable, Hashable, CustomStringConvertible {
    case sharpe
    case sortino
    case calmar
    /// Gross profit over gross loss, for points with at least `minTrades` trades.
    case profitFactor(minTrades: Int)
    case totalReturn

    /// The point's score; nil when it does not qualify.
    public func score(_ metrics: BacktestMetrics) -> Double? {
        let value: Double?
        switch self {
        case .sharpe: value = metrics.returns.sharpe
        case .sortino: value = metrics.returns.sortino
        case .calmar: value = metrics.returns.calmar
        case .profitFactor(let minTrades): value = metrics.total.trades >= minTrades ? metrics.total.profitFactor : nil
        case .totalReturn: value = metrics.returns.totalReturn
        }
        return value.flatMap { $0.isFinite ? $0 : nil }
    }

    /// Parses `sharpe`, `sortino`, `calmar`, `total-return`, `profit-factor` (no minimum) or
    /// `profit-factor:30` (at least 30 trades), ignoring case. Throws
    /// `OptimisationObjectiveError.unknown` otherwise.
    public init(parsing text: String) throws {
        let parts = text.lowercased().split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        switch (parts[0], parts.count) {
        case ("sharpe", 1): self = .sharpe
        case ("sortino", 1): self = .sortino
        case ("calmar", 1): self = .calmar
        case ("total-return", 1): self = .totalReturn
        case ("profit-factor", 1): self = .profitFactor(minTrades: 0)
        case ("profit-factor", _):
            guard let minTrades = Int(parts[1]), minTrades >= 0 else { throw OptimisationObjectiveError.badMinimumTrades(text) }
            self = .profitFactor(minTrades: minTrades)
        default: throw OptimisationObjectiveError.unknown(text)
        }
    }

    /// The objective's name, as in progress lines: `sharpe`, `profit-factor`.
    public var name: String {
        switch self {
        case .sharpe: return "sharpe"
        case .sortino: return "sortino"
        case .calmar: return "calmar"
        case .profitFactor: return "profit-factor"
        case .totalReturn: return "total-return"
        }
    }

    /// The text `init(parsing:)` reads back as this objective.
    public var description: String {
        guard case .profitFactor(let minTrades) = self, minTrades > 0 else { return name }
        return "\(name):\(minTrades)"
    }
}

/// An objective the command line names that does not exist.
public enum OptimisationObjectiveError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknown(String)
    case badMinimumTrades(String)

    public var description: String {
        switch self {
        case .unknown(let text):
            return "unknown objective '\(text)': use sharpe, sortino, calmar, total-return, or profit-factor:<minimum trades>"
        case .badMinimumTrades(let text):
            return "objective '\(text)': the minimum number of trades after 'profit-factor:' must be a whole number ≥ 0"
        }
    }
}
