import Config
import Core
import Foundation
import Indicators

/// What the signal timeframe's indicators read at one bar; nil where an indicator is still
/// warming up or its part of the strategy is off.
struct SignalReadings: Sendable, Hashable {
    var close: Double
    var macd: MACDValue?
    /// The previous bar's MACD histogram: a change of sign between the two is a cross.
    var previousHistogram: Double?
    var rsi: Double?
    var atr: Double?
    var volatility: Double?
    var acceleration: Double?
    /// This bar's volume over the mean volume of the `period` bars before it.
    var relativeVolume: Double?
    var returnZ: Double?
    var volumeZ: Double?

    var atrPercent: Double? { atr.map { 100 * $0 / close } }

    /// The values an intent reports, named by `reportedNames` in the same order.
    var reported: [Double?] {
        [close, macd?.macd, macd?.signal, macd?.histogram, rsi, atr, atrPercent, volatility, acceleration, relativeVolume, returnZ, volumeZ]
    }

    static func reportedNames(_ settings: StrategySettings) -> [String] {
        ["close", "macd", "macd_signal", "macd_histogram", "rsi_\(settings.entry.rsiPeriod)", "atr_\(settings.stop.atrPeriod)",
         "atr_percent", "volatility_percent", "acceleration_percent", "relative_volume", "return_z", "volume_z"]
    }
}

/// The signal timeframe's indicators, each updated once per closed bar. Indicators of parts
/// that are switched off are not kept.
struct SignalIndicators: Sendable, Hashable, Codable {
    private var macd: MACD
    private var rsi: RSI
    private var atr: ATR
    private var previousHistogram: Double?
    /// Kept even when the stop ignores levels (then never updated): an optional here made
    /// Swift 6.3.1's debug builds miscompile copies of the strategy (bad retains in the
    /// outlined copy) whenever the indicator's layout changed.
    private var supportResistance: SupportResistance
    private let usesLevels: Bool
    private var volatility: RollingVolatility?
    private var acceleration: PriceAcceleration?
    private var volumeMean: SMA?
    private var returnZ: ZScore?
    private var volumeZ: ZScore?
    private var previousClose: Double?
    /// `SignalReadings.reportedNames`, made once rather than for every intent.
    let reportedNames: [String]

    init(settings: StrategySettings) {
        reportedNames = SignalReadings.reportedNames(settings)
        macd = MACD(fast: settings.entry.macdFast, slow: settings.entry.macdSlow, signal: settings.entry.macdSignal)
        rsi = RSI(period: settings.entry.rsiPeriod)
        atr = ATR(period: settings.stop.atrPeriod)
        let levels = settings.stop.supportResistance
        supportResistance = SupportResistance(strength: levels.swingStrength, window: levels.window, tolerance: levels.tolerance)
        usesLevels = levels.enabled
        let filters = settings.filters
        if filters.volatility.enabled { volatility = RollingVolatility(period: filters.volatility.period) }
        if filters.momentum.enabled { acceleration = PriceAcceleration(period: filters.momentum.period) }
        if filters.volume.enabled { volumeMean = SMA(period: filters.volume.period) }
        if filters.anomaly.enabled {
            returnZ = ZScore(period: filters.anomaly.period)
            volumeZ = ZScore(period: filters.anomaly.period)
        }
    }

    /// The support/resistance levels as of the latest bar (none when the stop ignores them).
    var levels: [PriceLevel] { usesLevels ? supportResistance.levels : [] }

    mutating func update(_ bar: PriceBar) -> SignalReadings {
        var readings = SignalReadings(close: bar.close)
        readings.rsi = rsi.update(bar.close)
        readings.atr = atr.update(bar)
        readings.previousHistogram = previousHistogram
        readings.macd = macd.update(bar.close)
        previousHistogram = readings.macd?.histogram
        if usesLevels { supportResistance.update(bar) }
        readings.volatility = volatility?.update(bar.close).map { 100 * $0 }
        readings.acceleration = acceleration?.update(bar.close)
        if volumeMean != nil {
            if let mean = volumeMean?.value, mean > 0 { readings.relativeVolume = bar.volume / mean }
            volumeMean?.update(bar.volume)
        }
        if let previousClose, previousClose > 0 {
            readings.returnZ = returnZ?.update(log(bar.close / previousClose))
        }
        readings.volumeZ = volumeZ?.update(bar.volume)
        previousClose = bar.close
        return readings
    }
}
