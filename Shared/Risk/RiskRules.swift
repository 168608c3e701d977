import Core

/// The first rule set: one position per symbol, fixed-fraction sizing from equity and stop
/// distance, a leverage cap, a stop-loss required, a cap on concurrent positions.
public struct RiskRules: Sendable, Hashable, Codable {
    /// Share of equity lost if the stop is hit (0.01 = 1 %), before fees and slippage.
    public var riskFraction: FixedPoint
    /// The highest leverage an order is given (the instrument's maximum caps it further).
    public var maxLeverage: FixedPoint
    public var maxOpenPositions: Int

    public init(riskFraction: FixedPoint, maxLeverage: FixedPoint, maxOpenPositions: Int) throws(RiskRulesError) {
        guard riskFraction.isPositive, riskFraction <= FixedPoint(integer: 1) else {
            throw RiskRulesError(rule: "riskFraction", reason: "\(riskFraction) must be in (0, 1]")
        }
        guard maxLeverage >= FixedPoint(integer: 1) else {
            throw RiskRulesError(rule: "maxLeverage", reason: "\(maxLeverage) must be at least 1")
        }
        guard maxOpenPositions > 0 else {
            throw RiskRulesError(rule: "maxOpenPositions", reason: "\(maxOpenPositions) must be at least 1")
        }
        self.riskFraction = riskFraction
        self.maxLeverage = maxLeverage
        self.maxOpenPositions = maxOpenPositions
    }

    /// 1 % risk per trade, leverage up to 5, at most 3 positions.
    public static let standard: RiskRules = {
        // Force-try is safe: the literals satisfy every bound.
        try! RiskRules(riskFraction: FixedPoint(units: 1, scale: 2), maxLeverage: FixedPoint(integer: 5), maxOpenPositions: 3)
    }()
}

/// A rule set that cannot be used, naming the setting.
public struct RiskRulesError: Error, Sendable, Hashable, CustomStringConvertible {
    public let rule: String
    public let reason: String
    public var description: String { "risk rule \(rule): \(reason)" }
}
