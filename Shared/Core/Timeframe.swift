/// A candle interval. The raw value (and `Codable` form) is the label: "1m", "5m", "1h", "1d", "1w".
public enum Timeframe: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case m1 = "1m"
    case m3 = "3m"
    case m5 = "5m"
    case m15 = "15m"
    case m30 = "30m"
    case h1 = "1h"
    case h2 = "2h"
    case h4 = "4h"
    case h6 = "6h"
    case h12 = "12h"
    case d1 = "1d"
    case w1 = "1w"

    /// The label, e.g. "5m".
    public var label: String { rawValue }
    public var description: String { rawValue }

    public var seconds: Int64 {
        switch self {
        case .m1: return 60
        case .m3: return 180
        case .m5: return 300
        case .m15: return 900
        case .m30: return 1800
        case .h1: return 3600
        case .h2: return 7200
        case .h4: return 14_400
        case .h6: return 21_600
        case .h12: return 43_200
        case .d1: return 86_400
        case .w1: return 604_800
        }
    }

    public var milliseconds: Int64 { seconds * 1000 }
    public var duration: Duration { .seconds(seconds) }

    /// Bybit V5 kline `interval` value: "1", "3", "5", "15", "30", "60", "120", "240", "360",
    /// "720", "D", "W".
    public var bybitInterval: String {
        switch self {
        case .d1: return "D"
        case .w1: return "W"
        default: return String(seconds / 60)
        }
    }

    /// The timeframe for a label such as "5m", or nil.
    public init?(label: String) {
        self.init(rawValue: label)
    }

    /// The timeframe for a Bybit interval such as "60" or "D", or nil.
    public init?(bybitInterval: String) {
        guard let match = Self.allCases.first(where: { $0.bybitInterval == bybitInterval }) else { return nil }
        self = match
    }

    /// Parses a label, throwing `TimeframeError` that lists the valid labels.
    public static func parse(_ label: String) throws -> Timeframe {
        guard let timeframe = Timeframe(label: label) else { throw TimeframeError(input: label) }
        return timeframe
    }

    /// Weekly buckets start on Monday 00:00 UTC, as Bybit's weekly candles do; the epoch
    /// (1970-01-01) was a Thursday, so weeks are offset by four days.
    static let weekOffsetMilliseconds: Int64 = 4 * 86_400_000

    /// The open time of the candle containing `time`: UTC-aligned (days start at 00:00 UTC,
    /// weeks on Monday 00:00 UTC). Works for times before the epoch too.
    public func bucketStart(of time: Timestamp) -> Timestamp {
        let offset = self == .w1 ? Self.weekOffsetMilliseconds : 0
        let shifted = time.milliseconds - offset
        var bucket = shifted / milliseconds
        if shifted % milliseconds < 0 { bucket -= 1 }
        return Timestamp(milliseconds: bucket * milliseconds + offset)
    }

    /// Whether `time` is exactly the open time of a candle of this timeframe.
    public func isBucketStart(_ time: Timestamp) -> Bool {
        bucketStart(of: time) == time
    }
}

/// A string that is not a known timeframe label.
public struct TimeframeError: Error, Sendable, Hashable, CustomStringConvertible {
    public let input: String

    public var description: String {
        let valid = Timeframe.allCases.map(\.label).joined(separator: ", ")
        return "unknown timeframe \(String(reflecting: input)); valid timeframes: \(valid)"
    }
}
