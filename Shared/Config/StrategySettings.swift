import Core
import Foundation

/// The tuning of the multi-timeframe MACD/RSI strategy: which parts are on and their numbers.
/// Read from a preset file (`config/strategies/*.yaml`) with a strategy instance's overrides on
/// top; the YAML names are in `init(reading:)`. The defaults are the plain strategy: MACD
/// 12/26/9 cross confirmed by RSI 14, stop 1.5 ATR, one target at 3 ATR, every other part off.
public struct StrategySettings: Sendable, Hashable, Codable {
    public struct Entry: Sendable, Hashable, Codable {
        public var macdFast = 12
        public var macdSlow = 26
        public var macdSignal = 9
        public var rsiPeriod = 14
        /// RSI must be inside these open intervals for a long / a short.
        public var longRSI = 50.0...70.0
        public var shortRSI = 30.0...50.0
    }

    /// Higher-timeframe alignment: a long needs the MACD line above its signal on every one of
    /// `timeframes`, a short below.
    public struct Trend: Sendable, Hashable, Codable {
        public var enabled: Bool
        public var timeframes: [Timeframe]

        public init(
            enabled: Bool = false,
            timeframes: [Timeframe] = []
        ) {
            self.enabled = enabled
            self.timeframes = timeframes
        }
    }

    public struct Stop: Sendable, Hashable, Codable {
        public var atrPeriod = 14
        public var atrMultiplier = 1.5
        public var supportResistance = SupportResistanceStop()
    }

    /// Moves the stop beyond the nearest support (long) or resistance (short) level when that
    /// level lies between the ATR stop and the entry or within `proximityATR` beyond the stop.
    public struct SupportResistanceStop: Sendable, Hashable, Codable {
        public var enabled: Bool
        public var proximityATR: Double
        /// How far beyond the level the stop goes, in ATRs.
        public var bufferATR: Double
        /// Swing definition of the levels (see `SupportResistance`).
        public var swingStrength: Int
        public var window: Int
        public var tolerance: Double

        public init(
            enabled: Bool = false,
            proximityATR: Double = 0.5,
            bufferATR: Double = 0.1,
            swingStrength: Int = 3,
            window: Int = 200,
            tolerance: Double = 0.003
        ) {
            self.enabled = enabled
            self.proximityATR = proximityATR
            self.bufferATR = bufferATR
            self.swingStrength = swingStrength
            self.window = window
            self.tolerance = tolerance
        }
    }

    public struct TakeProfit: Sendable, Hashable, Codable {
        /// TP1's distance from the entry in ATRs.
        public var firstTargetATR = 3.0
        /// The fraction of the position TP1 closes.
        public var firstFraction = FixedPoint(integer: 1)
        /// Move the stop to the entry once TP1 has filled.
        public var breakEven = false
        /// A second target for the rest, in ATRs; nil = the rest only trails.
        public var finalTargetATR: Double?
        public var trailing = Trailing()
    }

    public enum TrailingMode: String, Sendable, Hashable, Codable, CaseIterable {
        case atr, percent
    }

    /// After TP1 the rest trails the best price by `atrMultiplier` ATRs or `percent` of price.
    public struct Trailing: Sendable, Hashable, Codable {
        public var enabled: Bool
        public var mode: TrailingMode
        public var atrMultiplier: Double
        public var percent: FixedPoint

        public init(
            enabled: Bool = false,
            mode: TrailingMode = .atr,
            atrMultiplier: Double = 2.0,
            percent: FixedPoint = FixedPoint(integer: 1)
        ) {
            self.enabled = enabled
            self.mode = mode
            self.atrMultiplier = atrMultiplier
            self.percent = percent
        }
    }

    /// Wait after a signal for price to come back `sizeATR` ATRs (a long waits for a dip) and
    /// enter there with a limit order; give up after `timeoutBars` bars.
    public struct Pullback: Sendable, Hashable, Codable {
        public var enabled: Bool
        public var sizeATR: Double
        public var timeoutBars: Int

        public init(
            enabled: Bool = false,
            sizeATR: Double = 0.5,
            timeoutBars: Int = 3
        ) {
            self.enabled = enabled
            self.sizeATR = sizeATR
            self.timeoutBars = timeoutBars
        }
    }

    public struct Filters: Sendable, Hashable, Codable {
        public var volatility = VolatilityFilter()
        public var hours = HoursFilter()
        public var momentum = MomentumFilter()
        public var volume = VolumeFilter()
        public var anomaly = AnomalyFilter()
    }

    /// Skips entries when ATR is above `maxATRPercent` of price, or the realised volatility of
    /// the last `period` bars (σ of log returns, per bar) is above `maxVolatilityPercent`.
    public struct VolatilityFilter: Sendable, Hashable, Codable {
        public var enabled: Bool
        public var maxATRPercent: Double
        public var period: Int
        public var maxVolatilityPercent: Double

        public init(
            enabled: Bool = false,
            maxATRPercent: Double = 5.0,
            period: Int = 20,
            maxVolatilityPercent: Double = 3.0
        ) {
            self.enabled = enabled
            self.maxATRPercent = maxATRPercent
            self.period = period
            self.maxVolatilityPercent = maxVolatilityPercent
        }
    }

    /// Enters only when the signal bar closes inside one of `windows` (UTC).
    public struct HoursFilter: Sendable, Hashable, Codable {
        public var enabled: Bool
        public var windows: [UTCWindow]

        public init(
            enabled: Bool = false,
            windows: [UTCWindow] = [UTCWindow(startMinute: 0, endMinute: 1440)]
        ) {
            self.enabled = enabled
            self.windows = windows
        }
    }

    /// Price acceleration: the rate of change over `period` bars minus the same rate `period`
    /// bars earlier, in percent; a long needs at least `minAccelerationPercent`, a short at most
    /// its negative.
    public struct MomentumFilter: Sendable, Hashable, Codable {
        public var enabled: Bool
        public var period: Int
        public var minAccelerationPercent: Double

        public init(
            enabled: Bool = false,
            period: Int = 10,
            minAccelerationPercent: Double = 0.0
        ) {
            self.enabled = enabled
            self.period = period
            self.minAccelerationPercent = minAccelerationPercent
        }
    }

    /// The signal bar's volume over the mean of the last `period` bars must be at least `minRelative`.
    public struct VolumeFilter: Sendable, Hashable, Codable {
        public var enabled: Bool
        public var period: Int
        public var minRelative: Double

        public init(
            enabled: Bool = false,
            period: Int = 20,
            minRelative: Double = 1.0
        ) {
            self.enabled = enabled
            self.period = period
            self.minRelative = minRelative
        }
    }

    /// Blocks entries while the z-score of the last return or volume (over `period` bars) is
    /// beyond its bound: something unusual is happening.
    public struct AnomalyFilter: Sendable, Hashable, Codable {
        public var enabled: Bool
        public var period: Int
        public var maxReturnZ: Double
        public var maxVolumeZ: Double

        public init(
            enabled: Bool = false,
            period: Int = 50,
            maxReturnZ: Double = 4.0,
            maxVolumeZ: Double = 6.0
        ) {
            self.enabled = enabled
            self.period = period
            self.maxReturnZ = maxReturnZ
            self.maxVolumeZ = maxVolumeZ
        }
    }

    public var entry = Entry()
    public var trend = Trend()
    public var stop = Stop()
    public var takeProfit = TakeProfit()
    public var pullback = Pullback()
    public var filters = Filters()
    /// Intents expire this many signal bars after the signal bar closed.
    public var expiryBars = 1

    public init() {}
}

/// A span of the UTC day, `startMinute ..< endMinute` (0...1440); a window that ends before it
/// starts wraps midnight (22:00-02:00).
public struct UTCWindow: Sendable, Hashable, Codable, CustomStringConvertible {
    public let startMinute: Int
    public let endMinute: Int

    public init(startMinute: Int, endMinute: Int) {
        self.startMinute = startMinute
        self.endMinute = endMinute
    }

    /// Parses "HH:MM-HH:MM" (24:00 allowed as an end).
    public init?(parsing text: String) {
        let ends = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        func minutes(_ clock: String) -> Int? {
            let parts = clock.split(separator: ":")
            guard parts.count == 2, parts[1].count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]),
                  (0...24).contains(hours), (0...59).contains(minutes), hours * 60 + minutes <= 1440
            else { return nil }
            return hours * 60 + minutes
        }
        guard ends.count == 2, let start = minutes(ends[0]), let end = minutes(ends[1]), start != end, start < 1440 else { return nil }
        self.init(startMinute: start, endMinute: end)
    }

    public func contains(minuteOfDay minute: Int) -> Bool {
        startMinute < endMinute
            ? (startMinute..<endMinute).contains(minute)
            : minute >= startMinute || minute < endMinute
    }

    public var description: String {
        func clock(_ minute: Int) -> String {
            let hours = minute / 60, minutes = minute % 60
            return (hours < 10 ? "0" : "") + "\(hours):" + (minutes < 10 ? "0" : "") + "\(minutes)"
        }
        return "\(clock(startMinute))-\(clock(endMinute))"
    }
}
