import Core

/// Every rule the risk engine can apply, by its stable name: the name is written into each
/// decision's verdicts, used as the code of a resize, and accepted by `risk.disabled_rules`.
public enum RiskRule: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    // Sanity: the intent itself.
    case duplicateIntent = "duplicate_intent"
    case symbolAllowed = "symbol_allowed"
    case operatorPause = "operator_pause"
    case stopLoss = "stop_loss"
    case stopDistance = "stop_distance"
    case staleness = "staleness"
    case priceVsMark = "price_vs_mark"
    // Loss limits.
    case drawdownBreaker = "drawdown_breaker"
    case dailyLoss = "daily_loss"
    case lossStreakCooldown = "loss_streak_cooldown"
    case stopOutCooldown = "stop_out_cooldown"
    // Exposure.
    case onePositionPerSymbol = "one_position_per_symbol"
    case maxOpenPositions = "max_open_positions"
    // Sizing.
    case fixedFraction = "fixed_fraction"
    case volatilitySizing = "volatility_sizing"
    case performanceSizing = "performance_sizing"
    // Leverage.
    case leverageCap = "leverage_cap"
    case dynamicLeverage = "dynamic_leverage"
    case margin = "margin"
    // Exposure caps on the sized order.
    case maxTotalNotional = "max_total_notional"
    case maxSymbolNotional = "max_symbol_notional"
    case correlatedExposure = "correlated_exposure"
    case venueMaxOrder = "venue_max_order"
    case minimumSize = "minimum_size"
    // Exits.
    case exitPosition = "exit_position"

    /// Rules that keep the account safe whatever the configuration: they cannot be disabled.
    public static let mandatory: Set<RiskRule> = [
        .duplicateIntent, .operatorPause, .stopLoss, .fixedFraction, .leverageCap, .margin, .venueMaxOrder, .minimumSize,
        .exitPosition,
    ]

    public static func < (lhs: RiskRule, rhs: RiskRule) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The risk engine's rules and their limits (`risk.*` in the configuration). Fractions and
/// multiples are exact decimals; a rule listed in `disabledRules` is skipped and not reported.
///
/// ```yaml
/// risk:
///   disabled_rules: [correlated_exposure]
///   sizing: {risk_fraction: 0.01, volatility: {target_atr_fraction: 0.01, min_scale: 0.5, max_scale: 1.5},
///            performance: {lookback_trades: 30, min_trades: 10, min_scale: 0.5, max_scale: 1.5}}
///   leverage: {max: 5, volatility_budget: 0.05, per_symbol: {BTCUSDT: 10}}
///   exposure: {max_open_positions: 5, max_total_notional: 3, max_symbol_notional: 1,
///              correlation: {threshold: 0.8, window: 50, min_samples: 20, max_cluster_notional: 1.5}}
///   losses: {daily_loss_fraction: 0.03, max_drawdown_fraction: 0.15, consecutive_losses: 3,
///            loss_cooldown_ms: 14400000, stop_out_cooldown_ms: 3600000, warn_at_fraction: 0.8}
///   sanity: {min_stop_fraction: 0.0005, max_stop_fraction: 0.1, max_intent_age_ms: 300000,
///            max_mark_deviation: 0.02, clock_checks: true}
///   operators: ["cli:*", "telegram:*"]
/// ```
public struct RiskSettings: Sendable, Equatable, Codable {
    public struct Sizing: Sendable, Equatable, Codable {
        /// Share of equity lost if the stop is hit (0.01 = 1 %) before the scalings below.
        public var riskFraction = decimal(1, 2)
        /// Volatility scaling: fraction × clamp(target / ATR fraction, min, max).
        public var targetATRFraction = decimal(1, 2)
        public var volatilityMinScale = decimal(5, 1)
        public var volatilityMaxScale = decimal(15, 1)
        /// Performance scaling: the half-Kelly fraction of the last `lookbackTrades` closed trades,
        /// once there are `minTrades`, clamped to riskFraction × [min, max].
        public var lookbackTrades = 30
        public var minTrades = 10
        public var performanceMinScale = decimal(5, 1)
        public var performanceMaxScale = decimal(15, 1)
        public init() {}
    }

    public struct Leverage: Sendable, Equatable, Codable {
        /// The highest leverage any order gets (the instrument's maximum caps it further).
        public var max = FixedPoint(integer: 5)
        /// Per-symbol caps, below or above the global one (the lower of the two applies).
        public var perSymbol: [String: FixedPoint] = [:]
        /// Dynamic leverage: floor(budget / ATR fraction), so a volatile market gets less.
        public var volatilityBudget = decimal(5, 2)
        public init() {}
    }

    public struct Exposure: Sendable, Equatable, Codable {
        public var maxOpenPositions = 5
        /// Total notional of open positions plus the new order, as a multiple of equity.
        public var maxTotalNotional = FixedPoint(integer: 3)
        /// Notional of one symbol's order, as a multiple of equity.
        public var maxSymbolNotional = FixedPoint(integer: 1)
        /// Open positions whose return correlation with the candidate is at least this form its
        /// cluster; the cluster's notional (with the new order) is capped.
        public var correlationThreshold = decimal(8, 1)
        public var correlationWindow = 50
        public var correlationMinSamples = 20
        public var maxClusterNotional = decimal(15, 1)
        public init() {}
    }

    public struct Losses: Sendable, Equatable, Codable {
        /// Loss since the UTC day's first equity (realised and unrealised) that stops entries.
        public var dailyLossFraction = decimal(3, 2)
        /// Drop from the equity peak that trips the breaker (latched until an operator reset).
        public var maxDrawdownFraction = decimal(15, 2)
        /// After this many losing trades in a row, no entries for `lossCooldownMs`.
        public var consecutiveLosses = 3
        public var lossCooldownMs: Int64 = 4 * 3_600_000
        /// After a stop-out, no entry on the same symbol for this long.
        public var stopOutCooldownMs: Int64 = 3_600_000
        /// A limit is "near" (an alert is raised) at this share of it.
        public var warnAtFraction = decimal(8, 1)
        public init() {}
    }

    public struct Sanity: Sendable, Equatable, Codable {
        /// Stop distance as a fraction of the entry price.
        public var minStopFraction = decimal(5, 4)
        public var maxStopFraction = decimal(1, 1)
        /// Oldest an intent may be: its creation, and (with clock checks) now, after its candle's close.
        public var maxIntentAgeMs: Int64 = 300_000
        /// Whether the intent's times (candle close, expiry) and the mark's are also checked against
        /// the clock. On for live trading; off by default in paper mode, where the simulator may
        /// replay a market whose times are not the wall clock's: the mark's age and the cooldowns
        /// are then measured from the intent's creation instead of the clock.
        public var clockChecks = true
        /// Furthest the entry price may be from the mark, as a fraction of the mark.
        public var maxMarkDeviation = decimal(2, 2)
        /// Whether an entry with no known mark price is refused (otherwise the check passes, noted).
        public var requireMark = false
        /// Oldest a mark may be to count as known.
        public var maxMarkAgeMs: Int64 = 60_000
        public init() {}
    }

    public var disabledRules: Set<RiskRule> = []
    /// Symbols risk accepts intents for; empty = any symbol the venue lists.
    public var symbols: Set<String> = []
    public var sizing = Sizing()
    public var leverage = Leverage()
    public var exposure = Exposure()
    public var losses = Losses()
    public var sanity = Sanity()
    /// Who may command risk (`issued_by` of `ops.commands.v1`): exact names, or a prefix ending in `*`.
    public var operators: [String] = ["cli:*", "telegram:*", "api:*"]

    public init() {}

    public func isEnabled(_ rule: RiskRule) -> Bool { !disabledRules.contains(rule) }

    /// Whether `issuer` is one of the configured operators.
    public func isOperator(_ issuer: String) -> Bool {
        guard !issuer.isEmpty else { return false }
        return operators.contains { pattern in
            pattern.hasSuffix("*") ? issuer.hasPrefix(pattern.dropLast()) : issuer == pattern
        }
    }

    /// Checks the settings as a whole; the error names the configuration field.
    public func validate() throws {
        let zero = FixedPoint.zero
        let one = FixedPoint(integer: 1)
        func require(_ condition: Bool, _ field: String, _ reason: String) throws {
            guard condition else { throw ConfigError(field: "risk.\(field)", reason: reason) }
        }
        if let rule = disabledRules.intersection(RiskRule.mandatory).sorted().first {
            throw ConfigError(field: "risk.disabled_rules", reason: "\(rule.rawValue) cannot be disabled")
        }
        try require(sizing.riskFraction > zero && sizing.riskFraction <= decimal(1, 1),
                    "sizing.risk_fraction", "must be in (0, 0.1], got \(sizing.riskFraction)")
        try require(sizing.targetATRFraction > zero, "sizing.volatility.target_atr_fraction", "must be above 0")
        try require(sizing.volatilityMinScale > zero && sizing.volatilityMinScale <= sizing.volatilityMaxScale,
                    "sizing.volatility.min_scale", "must be above 0 and at most max_scale (\(sizing.volatilityMaxScale))")
        try require(sizing.performanceMinScale > zero && sizing.performanceMinScale <= sizing.performanceMaxScale,
                    "sizing.performance.min_scale", "must be above 0 and at most max_scale (\(sizing.performanceMaxScale))")
        try require(sizing.minTrades >= 2 && sizing.minTrades <= sizing.lookbackTrades,
                    "sizing.performance.min_trades", "must be between 2 and lookback_trades (\(sizing.lookbackTrades))")
        try require(leverage.max >= one, "leverage.max", "must be at least 1, got \(leverage.max)")
        for (symbol, cap) in leverage.perSymbol.sorted(by: { $0.key < $1.key }) {
            try require(cap >= one, "leverage.per_symbol.\(symbol)", "must be at least 1, got \(cap)")
        }
        try require(leverage.volatilityBudget > zero, "leverage.volatility_budget", "must be above 0")
        try require(exposure.maxOpenPositions >= 1, "exposure.max_open_positions", "must be at least 1")
        try require(exposure.maxTotalNotional > zero, "exposure.max_total_notional", "must be above 0")
        try require(exposure.maxSymbolNotional > zero && exposure.maxSymbolNotional <= exposure.maxTotalNotional,
                    "exposure.max_symbol_notional", "must be above 0 and at most max_total_notional")
        try require(exposure.correlationThreshold > zero && exposure.correlationThreshold <= one,
                    "exposure.correlation.threshold", "must be in (0, 1]")
        try require(exposure.correlationMinSamples >= 3 && exposure.correlationMinSamples <= exposure.correlationWindow,
                    "exposure.correlation.min_samples", "must be between 3 and the window (\(exposure.correlationWindow))")
        try require(exposure.maxClusterNotional > zero, "exposure.correlation.max_cluster_notional", "must be above 0")
        try require(losses.dailyLossFraction > zero && losses.dailyLossFraction < one, "losses.daily_loss_fraction", "must be in (0, 1)")
        try require(losses.maxDrawdownFraction > zero && losses.maxDrawdownFraction < one,
                    "losses.max_drawdown_fraction", "must be in (0, 1)")
        try require(losses.consecutiveLosses >= 1, "losses.consecutive_losses", "must be at least 1")
        try require(losses.warnAtFraction > zero && losses.warnAtFraction < one, "losses.warn_at_fraction", "must be in (0, 1)")
        try require(sanity.minStopFraction >= zero && sanity.minStopFraction < sanity.maxStopFraction,
                    "sanity.min_stop_fraction", "must be at least 0 and below max_stop_fraction (\(sanity.maxStopFraction))")
        try require(sanity.maxStopFraction <= one, "sanity.max_stop_fraction", "must be at most 1")
        try require(sanity.maxMarkDeviation > zero, "sanity.max_mark_deviation", "must be above 0")
        try require(!operators.isEmpty, "operators", "needs at least one operator")
    }
}

extension RiskSettings {
    init(reading reader: ConfigReader, mode: TradingMode) throws {
        let d = RiskSettings()
        var s = RiskSettings()
        let anyFraction = FixedPoint.zero...FixedPoint(integer: 1)
        let multiple = FixedPoint.zero...FixedPoint(integer: 1000)
        let scale = FixedPoint.zero...FixedPoint(integer: 100)
        func fixed(_ field: String, _ value: FixedPoint, _ range: ClosedRange<FixedPoint>) throws -> FixedPoint {
            try reader.fixedPoint("risk.\(field)", default: value.description, in: range)
        }
        func ms(_ field: String, _ value: Int64) throws -> Int64 {
            Int64(try reader.int("risk.\(field)", default: Int(value), in: 0...(30 * 86_400_000)))
        }
        var disabled: Set<RiskRule> = []
        for name in try reader.list("risk.disabled_rules", default: []) {
            guard let rule = RiskRule(rawValue: name) else {
                throw ConfigError(
                    field: "risk.disabled_rules",
                    reason: "unknown rule \"\(name)\"; rules are \(RiskRule.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            disabled.insert(rule)
        }
        s.disabledRules = disabled
        s.symbols = Set(try reader.list("risk.symbols", default: []))
        s.sizing.riskFraction = try fixed("sizing.risk_fraction", d.sizing.riskFraction, anyFraction)
        s.sizing.targetATRFraction = try fixed("sizing.volatility.target_atr_fraction", d.sizing.targetATRFraction, anyFraction)
        s.sizing.volatilityMinScale = try fixed("sizing.volatility.min_scale", d.sizing.volatilityMinScale, scale)
        s.sizing.volatilityMaxScale = try fixed("sizing.volatility.max_scale", d.sizing.volatilityMaxScale, scale)
        s.sizing.lookbackTrades = try reader.int("risk.sizing.performance.lookback_trades", default: d.sizing.lookbackTrades, in: 2...10_000)
        s.sizing.minTrades = try reader.int("risk.sizing.performance.min_trades", default: d.sizing.minTrades, in: 2...10_000)
        s.sizing.performanceMinScale = try fixed("sizing.performance.min_scale", d.sizing.performanceMinScale, scale)
        s.sizing.performanceMaxScale = try fixed("sizing.performance.max_scale", d.sizing.performanceMaxScale, scale)
        s.leverage.max = try fixed("leverage.max", d.leverage.max, FixedPoint.zero...FixedPoint(integer: 200))
        s.leverage.volatilityBudget = try fixed("leverage.volatility_budget", d.leverage.volatilityBudget, anyFraction)
        var perSymbol: [String: FixedPoint] = [:]
        for symbol in reader.childNames(of: "risk.leverage.per_symbol") {
            guard (try? Symbol(symbol)) != nil else {
                throw ConfigError(field: "risk.leverage.per_symbol.\(symbol)", reason: "not a valid symbol")
            }
            perSymbol[symbol] = try fixed("leverage.per_symbol.\(symbol)", d.leverage.max, FixedPoint.zero...FixedPoint(integer: 200))
        }
        s.leverage.perSymbol = perSymbol
        s.exposure.maxOpenPositions = try reader.int("risk.exposure.max_open_positions", default: d.exposure.maxOpenPositions, in: 1...10_000)
        s.exposure.maxTotalNotional = try fixed("exposure.max_total_notional", d.exposure.maxTotalNotional, multiple)
        s.exposure.maxSymbolNotional = try fixed("exposure.max_symbol_notional", d.exposure.maxSymbolNotional, multiple)
        s.exposure.correlationThreshold = try fixed("exposure.correlation.threshold", d.exposure.correlationThreshold, anyFraction)
        s.exposure.correlationWindow = try reader.int("risk.exposure.correlation.window", default: d.exposure.correlationWindow, in: 3...10_000)
        s.exposure.correlationMinSamples = try reader.int(
            "risk.exposure.correlation.min_samples", default: d.exposure.correlationMinSamples, in: 3...10_000)
        s.exposure.maxClusterNotional = try fixed("exposure.correlation.max_cluster_notional", d.exposure.maxClusterNotional, multiple)
        s.losses.dailyLossFraction = try fixed("losses.daily_loss_fraction", d.losses.dailyLossFraction, anyFraction)
        s.losses.maxDrawdownFraction = try fixed("losses.max_drawdown_fraction", d.losses.maxDrawdownFraction, anyFraction)
        s.losses.consecutiveLosses = try reader.int("risk.losses.consecutive_losses", default: d.losses.consecutiveLosses, in: 1...1000)
        s.losses.lossCooldownMs = try ms("losses.loss_cooldown_ms", d.losses.lossCooldownMs)
        s.losses.stopOutCooldownMs = try ms("losses.stop_out_cooldown_ms", d.losses.stopOutCooldownMs)
        s.losses.warnAtFraction = try fixed("losses.warn_at_fraction", d.losses.warnAtFraction, anyFraction)
        s.sanity.minStopFraction = try fixed("sanity.min_stop_fraction", d.sanity.minStopFraction, anyFraction)
        s.sanity.maxStopFraction = try fixed("sanity.max_stop_fraction", d.sanity.maxStopFraction, anyFraction)
        s.sanity.maxIntentAgeMs = try ms("sanity.max_intent_age_ms", d.sanity.maxIntentAgeMs)
        s.sanity.maxMarkDeviation = try fixed("sanity.max_mark_deviation", d.sanity.maxMarkDeviation, anyFraction)
        s.sanity.requireMark = try reader.bool("risk.sanity.require_mark", default: d.sanity.requireMark)
        s.sanity.clockChecks = try reader.bool("risk.sanity.clock_checks", default: mode == .live)
        s.sanity.maxMarkAgeMs = try ms("sanity.max_mark_age_ms", d.sanity.maxMarkAgeMs)
        s.operators = try reader.list("risk.operators", default: d.operators)
        try s.validate()
        self = s
    }
}

/// A literal decimal (`units / 10^scale`); the scales used here are all valid.
private func decimal(_ units: Int64, _ scale: UInt8) -> FixedPoint {
    // Force-try is safe: every call passes a literal scale of at most 4.
    try! FixedPoint(units: units, scale: scale)
}
