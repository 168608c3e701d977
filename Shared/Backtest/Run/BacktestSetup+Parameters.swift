import Config
import Core

extension BacktestSetup {
    /// The parameters an optimiser may vary, by strategy.
    public static let parameterNames: [String: [String]] = [
        "sma-cross": ["fast", "slow"],
        "macd-rsi": [
            "macd_fast", "macd_slow", "macd_signal", "rsi_period", "atr_period", "stop_atr", "target_atr", "risk_fraction",
        ],
    ]

    public var strategyName: String {
        switch strategy {
        case .smaCross: "sma-cross"
        case .macdRSI: "macd-rsi"
        }
    }

    /// Throws `BacktestConfigurationError` naming a parameter the strategy does not have.
    public func checkParameters(_ names: [String]) throws {
        let known = Self.parameterNames[strategyName] ?? []
        for name in names where !known.contains(name) {
            throw BacktestConfigurationError(
                field: "param", reason: "\(strategyName) has no parameter \(name); it has \(known.joined(separator: ", "))")
        }
    }

    /// This setup with `point`'s values in place of the strategy's and risk's settings.
    public func applying(_ point: ParameterPoint) throws -> BacktestSetup {
        try checkParameters(point.entries.map(\.name))
        var setup = self
        switch strategy {
        case .smaCross(let fast, let slow):
            setup.strategy = .smaCross(
                fast: point["fast"] == nil ? fast : try point.int("fast"), slow: point["slow"] == nil ? slow : try point.int("slow"))
        case .macdRSI(var instance, var risk, let policy):
            for entry in point.entries {
                switch entry.name {
                case "macd_fast": instance.settings.entry.macdFast = try point.int(entry.name)
                case "macd_slow": instance.settings.entry.macdSlow = try point.int(entry.name)
                case "macd_signal": instance.settings.entry.macdSignal = try point.int(entry.name)
                case "rsi_period": instance.settings.entry.rsiPeriod = try point.int(entry.name)
                case "atr_period": instance.settings.stop.atrPeriod = try point.int(entry.name)
                case "stop_atr": instance.settings.stop.atrMultiplier = try point.double(entry.name)
                case "target_atr": instance.settings.takeProfit.firstTargetATR = try point.double(entry.name)
                default:
                    // risk_fraction: a decimal, kept exact through its shortest text.
                    risk.sizing.riskFraction = try FixedPoint(parsing: String(try point.double(entry.name)))
                }
            }
            setup.strategy = .macdRSI(instance, risk: risk, policy: policy)
        }
        return setup
    }

    /// Pairs that only make sense ordered (a fast average shorter than the slow one).
    public static func parameterConstraint(_ point: ParameterPoint) -> Bool {
        for (fast, slow) in [("fast", "slow"), ("macd_fast", "macd_slow")] {
            if let a = try? point.int(fast), let b = try? point.int(slow), a >= b { return false }
        }
        return true
    }
}

extension ParameterSearch {
    /// `grid`, `random:N` or `bayesian:N`, seeded with `seed`.
    public init(parsing text: String, seed: UInt64) throws {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let count = parts.count == 2 ? Int(parts[1]) : nil
        switch (parts[0], count) {
        case ("grid", nil) where parts.count == 1: self = .grid
        case ("random", let count?) where count > 0: self = .random(count: count, seed: seed)
        case ("bayesian", let count?) where count > 0: self = .bayesian(count: count, seed: seed)
        default:
            throw BacktestConfigurationError(field: "search", reason: "\(text) is not grid, random:N or bayesian:N with N > 0")
        }
    }
}
