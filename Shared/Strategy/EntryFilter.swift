import Config
import Core

/// Why a signal did not become an intent; the metric label of `keel_signals_filtered_total`.
public enum EntryFilter: String, Sendable, Hashable, Codable, CaseIterable {
    /// A higher timeframe's MACD points the other way.
    case trend
    /// A higher timeframe had no reading for the signal bar (warming up, or its candle never came).
    case trendUnavailable = "trend_unavailable"
    case volatility
    case hours
    case momentum
    case volume
    case anomaly
    /// The pullback did not come within its timeout.
    case pullbackTimeout = "pullback_timeout"
    /// Price ran through the stop before the pullback entry.
    case pullbackInvalidated = "pullback_invalidated"
    /// The stop or a target rounded onto the entry (ATR below a tick).
    case levels

    /// The first of the bar filters (volatility, hours, momentum, volume, anomaly) that blocks
    /// an entry to `side`, if any. A filter whose indicator is still warming up blocks too: an
    /// entry is never let through unchecked.
    static func blocking(
        _ side: Side, readings: SignalReadings, closeTime: Timestamp, filters: StrategySettings.Filters
    ) -> EntryFilter? {
        if filters.volatility.enabled {
            guard let atrPercent = readings.atrPercent, let volatility = readings.volatility,
                  atrPercent <= filters.volatility.maxATRPercent, volatility <= filters.volatility.maxVolatilityPercent
            else { return .volatility }
        }
        if filters.hours.enabled {
            let minute = Int((closeTime.milliseconds / 60_000) % 1440)
            guard filters.hours.windows.contains(where: { $0.contains(minuteOfDay: minute) }) else { return .hours }
        }
        if filters.momentum.enabled {
            let bound = filters.momentum.minAccelerationPercent
            guard let acceleration = readings.acceleration,
                  side == .buy ? acceleration >= bound : acceleration <= -bound
            else { return .momentum }
        }
        if filters.volume.enabled {
            guard let relative = readings.relativeVolume, relative >= filters.volume.minRelative else { return .volume }
        }
        if filters.anomaly.enabled {
            guard let returnZ = readings.returnZ, let volumeZ = readings.volumeZ,
                  abs(returnZ) <= filters.anomaly.maxReturnZ, abs(volumeZ) <= filters.anomaly.maxVolumeZ
            else { return .anomaly }
        }
        return nil
    }
}
