import Core
import Foundation

/// The direction the synthetic market is in; it switches at random, every few hours on average.
public enum MarketRegime: Sendable, CaseIterable {
    case trendingUp
    case trendingDown
    case ranging
}

/// One synthetic minute with the state that produced it (what the tests check the bars against).
public struct SyntheticMinute: Sendable {
    public let bar: MinuteBar
    public let regime: MarketRegime
    /// The minute's conditional volatility (standard deviation of the log return).
    public let sigma: Double
}

/// The seeded random process behind a synthetic symbol, one minute at a time: log returns with
/// a regime drift (up, down, or mean reversion while ranging), GARCH(1,1) volatility so calm and
/// wild stretches cluster, and rare jumps. It works in Double; what it emits is integer ticks.
///
/// Several symbols move together through a one-factor model: each minute's standard normal
/// draw is `√ρ·common + √(1−ρ)·own`, where `common` is one draw shared by every symbol that
/// minute and `ρ` is `correlation`, so any two symbols' Gaussian shocks have correlation `ρ`
/// (their regimes, drifts and jumps stay independent). With `ρ = 0` the draw is exactly `own`.
public struct SyntheticPriceProcess: Sendable {
    /// Long-run volatility per minute (about 2.7 % a day).
    static let baseSigma = 0.0007
    /// GARCH(1,1): variance = ω + α·shock² + β·variance.
    static let alpha = 0.10
    static let beta = 0.88
    static let omega = baseSigma * baseSigma * (1 - alpha - beta)
    /// Drift per minute in a trend (about 4 % a day).
    static let trendDrift = 0.00003
    /// Pull back toward the range's anchor per minute while ranging.
    static let reversion = 0.002
    /// Chance per minute that the regime switches (a regime lasts about 6 hours).
    static let switchChance = 1.0 / 360
    /// Chance per minute of a jump, and the jump's standard deviation.
    static let jumpChance = 1.0 / 5_000
    static let jumpSigma = 0.006

    private var generator: SplitMix64
    private(set) var regime: MarketRegime
    private var variance = baseSigma * baseSigma
    private var logPrice: Double
    private var anchor: Double
    private var closeTicks: Int64
    private let lot: Int64
    private let correlation: Double

    /// `lot`: the volume unit of a quiet minute, in quantity units; `correlation` (0...1): the
    /// weight of the market-wide draw passed to `next(common:)`.
    init(startTicks: Int64, lot: Int64, generator: SplitMix64, correlation: Double = 0) {
        self.generator = generator
        self.correlation = min(max(correlation, 0), 1)
        closeTicks = max(1, startTicks)
        logPrice = log(Double(closeTicks))
        anchor = logPrice
        self.lot = max(1, lot)
        regime = MarketRegime.allCases[Int(self.generator.next() % 3)]
    }

    /// The process for `instrument` from `startTicks`, seeded from `seed` and the symbol, with a
    /// quiet minute's volume worth about 2 000 USDT.
    public init(instrument: SimulatedInstrument, startTicks: Int64, seed: UInt64, correlation: Double = 0) {
        self.init(
            startTicks: startTicks, lot: instrument.units(worth: 2_000, atTicks: startTicks),
            generator: SplitMix64(seed: seed, instrument.symbol), correlation: correlation)
    }

    /// The next minute; `common`: this minute's market-wide standard normal draw (unused when
    /// `correlation` is 0).
    public mutating func next(common: Double = 0) -> SyntheticMinute {
        if generator.chance(Self.switchChance) { switchRegime() }
        let sigma = variance.squareRoot()
        let draw = correlation.squareRoot() * common + (1 - correlation).squareRoot() * generator.gaussian()
        var shock = sigma * draw
        if generator.chance(Self.jumpChance) { shock += Self.jumpSigma * generator.gaussian() }
        let drift: Double
        switch regime {
        case .trendingUp: drift = Self.trendDrift
        case .trendingDown: drift = -Self.trendDrift
        case .ranging: drift = -Self.reversion * (logPrice - anchor)
        }
        logPrice += drift + shock
        variance = min(Self.omega + Self.alpha * shock * shock + Self.beta * variance, 100 * Self.baseSigma * Self.baseSigma)

        let open = closeTicks
        let close = max(1, Int64(exp(logPrice).rounded()))
        let wickScale = Double(max(open, close)) * sigma * 0.6
        let high = max(open, close) + Int64((abs(generator.gaussian()) * wickScale).rounded())
        let low = max(1, min(open, close) - Int64((abs(generator.gaussian()) * wickScale).rounded()))
        let activity = 1 + abs(shock) / Self.baseSigma
        let volume = lot * Int64((activity * Double(10 + generator.next() % 20)).rounded())
        closeTicks = close
        return SyntheticMinute(
            bar: MinuteBar(open: open, high: high, low: low, close: close, volume: volume), regime: regime, sigma: sigma)
    }

    private mutating func switchRegime() {
        let others = MarketRegime.allCases.filter { $0 != regime }
        regime = others[Int(generator.next() % UInt64(others.count))]
        anchor = logPrice
    }
}
