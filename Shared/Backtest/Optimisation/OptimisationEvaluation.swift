/// One evaluated point: its score and key metrics, or the error its evaluation threw. This is
/// also a journal line.
public struct OptimisationEvaluation: Sendable, Hashable, Codable {
    public let point: ParameterPoint
    /// The objective's value; nil when the point did not qualify or its evaluation failed.
    public let score: Double?
    /// Nil when the evaluation failed.
    public let metrics: MetricsSummary?
    /// The evaluation's error; nil when it succeeded.
    public let error: String?

    public init(point: ParameterPoint, score: Double?, metrics: MetricsSummary) {
        self.point = point
        self.score = score
        self.metrics = metrics
        error = nil
    }

    public init(point: ParameterPoint, error: String) {
        self.point = point
        score = nil
        metrics = nil
        self.error = error
    }

    /// Best first: scores from highest to lowest, then points that did not qualify, then
    /// failures; ties in the order of the points' keys.
    public static func ranked(_ evaluations: [Self]) -> [Self] {
        evaluations.sorted { first, second in
            if first.rank != second.rank { return first.rank < second.rank }
            if let a = first.score, let b = second.score, a != b { return a > b }
            return first.point.key < second.point.key
        }
    }

    private var rank: Int { score != nil ? 0 : error == nil ? 1 : 2 }
}

/// The metrics of an evaluation worth keeping in a journal and a ranking. Non-finite ratios
/// (an annualised return that overflowed over a short span) are nil.
public struct MetricsSummary: Sendable, Hashable, Codable {
    public let sharpe: Double?
    public let sortino: Double?
    public let calmar: Double?
    public let totalReturn: Double?
    /// The largest drawdown as a fraction of its peak.
    public let maxDrawdown: Double?
    public let trades: Int
    public let profitFactor: Double?

    public init(_ metrics: BacktestMetrics) {
        func finite(_ value: Double?) -> Double? { value.flatMap { $0.isFinite ? $0 : nil } }
        sharpe = finite(metrics.returns.sharpe)
        sortino = finite(metrics.returns.sortino)
        calmar = finite(metrics.returns.calmar)
        totalReturn = finite(metrics.returns.totalReturn)
        maxDrawdown = finite(metrics.returns.drawdown.maximum)
        trades = metrics.total.trades
        profitFactor = finite(metrics.total.profitFactor)
    }
}
