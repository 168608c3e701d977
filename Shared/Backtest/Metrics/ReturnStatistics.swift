import Core
import Indicators
import Foundation

/// Return and risk-adjusted return of an equity curve. Ratios are Doubles; amounts stay Money.
///
/// Definitions:
/// * Period returns `rᵢ = Eᵢ / Eᵢ₋₁ − 1` between consecutive points. The curve is meant to be
///   sampled at a fixed interval (every bar's close, say), and `periodsPerYear` is
///   `(points − 1) / years` of the curve's span.
/// * A year is 365 days of 24 hours (crypto trades every day).
/// * The risk-free rate is 0.
/// * Sharpe = `mean(r) / s(r) × √periodsPerYear`, `s` the sample standard deviation (divided
///   by n − 1). Nil with fewer than two returns or when `s` is 0 (flat equity).
/// * Sortino = `mean(r) / d × √periodsPerYear`, `d = √(Σ min(rᵢ, 0)² / n)`, the downside
///   deviation below 0 over all n periods. Nil with fewer than two returns or when no period
///   lost (`d` = 0).
/// * Calmar = annualised return / maximum drawdown (as fractions). Nil without a drawdown.
public struct ReturnStatistics: Sendable, Hashable {
    public let startEquity: Money
    public let endEquity: Money
    /// `endEquity − startEquity`.
    public let netProfit: Money
    /// `endEquity / startEquity − 1`.
    public let totalReturn: Double
    /// The compound yearly rate, `(endEquity / startEquity)^(1 / years) − 1`; −1 when equity
    /// ends at or below zero; nil when the curve spans no time.
    public let annualisedReturn: Double?
    public let periodsPerYear: Double?
    public let sharpe: Double?
    public let sortino: Double?
    public let calmar: Double?
    public let drawdown: Drawdown

    static let millisecondsPerYear = 365.0 * 86_400_000

    /// `curve`: oldest first with strictly increasing times, non-empty, equity positive at every
    /// point but the last (`BacktestMetrics` checks this).
    init(_ curve: [EquityPoint]) throws {
        let first = curve[0]
        let last = curve[curve.count - 1]
        startEquity = first.equity
        endEquity = last.equity
        netProfit = try last.equity - first.equity
        let growth = last.equity.value.doubleValue / first.equity.value.doubleValue
        totalReturn = growth - 1
        let drawdown = try Drawdown(curve)
        self.drawdown = drawdown

        let years = Double(last.time.milliseconds - first.time.milliseconds) / Self.millisecondsPerYear
        let annualised = years > 0 ? (growth > 0 ? pow(growth, 1 / years) - 1 : -1) : nil
        annualisedReturn = annualised
        periodsPerYear = years > 0 ? Double(curve.count - 1) / years : nil
        calmar = drawdown.maximum > 0 ? annualised.map { $0 / drawdown.maximum } : nil

        let returns = zip(curve, curve.dropFirst()).map { $1.equity.value.doubleValue / $0.equity.value.doubleValue - 1 }
        guard returns.count >= 2, let periodsPerYear else {
            sharpe = nil
            sortino = nil
            return
        }
        let count = Double(returns.count)
        let mean = returns.reduce(0, +) / count
        let deviation = (returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (count - 1)).squareRoot()
        let downside = (returns.reduce(0) { $0 + min($1, 0) * min($1, 0) } / count).squareRoot()
        let annualiser = periodsPerYear.squareRoot()
        sharpe = deviation > 0 ? mean / deviation * annualiser : nil
        sortino = downside > 0 ? mean / downside * annualiser : nil
    }
}
