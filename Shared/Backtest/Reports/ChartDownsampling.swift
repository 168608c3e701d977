import Core
import Indicators

/// A point of a chart line: time in epoch milliseconds and a value (chart coordinates only).
struct ChartPoint: Sendable, Hashable {
    let time: Int64
    let value: Double
}

/// A price bar of a chart: open time in epoch milliseconds and its prices (chart coordinates only).
struct ChartBar: Sendable, Hashable {
    let time: Int64
    let open: Double
    let high: Double
    let low: Double
    let close: Double
}

/// Thinning of long series for the report's charts. A chart is at most a few thousand pixels
/// wide, and a year of 5-minute bars is 105,120 of them: the page would be tens of MB. Every
/// thinning keeps the extremes, so peaks, troughs and the deepest drawdown still show.
enum ChartDownsampling {
    /// `count` positions cut into at most `limit` consecutive non-empty ranges of near-equal length.
    static func buckets(count: Int, limit: Int) -> [Range<Int>] {
        let buckets = min(count, max(1, limit))
        return (0..<buckets).map { bucket in (bucket * count / buckets)..<((bucket + 1) * count / buckets) }
    }

    /// At most `limit` (≥ 2) points: per bucket its lowest and its highest point, in time order.
    static func extremes(_ points: [ChartPoint], limit: Int) -> [ChartPoint] {
        guard points.count > limit else { return points }
        return buckets(count: points.count, limit: max(1, limit / 2)).flatMap { range -> [ChartPoint] in
            let slice = points[range]
            let low = slice.indices.min { slice[$0].value < slice[$1].value }!
            let high = slice.indices.max { slice[$0].value < slice[$1].value }!
            return low == high ? [points[low]] : [points[min(low, high)], points[max(low, high)]]
        }
    }

    /// At most `limit` bars: consecutive candles merged into one with the first open, the
    /// highest high, the lowest low and the last close.
    static func bars(_ candles: [Candle], limit: Int) -> [ChartBar] {
        buckets(count: candles.count, limit: limit).map { range in
            let slice = candles[range]
            return ChartBar(
                time: slice.first!.openTime.milliseconds, open: slice.first!.open.doubleValue,
                high: slice.map(\.high).max()!.doubleValue, low: slice.map(\.low).min()!.doubleValue,
                close: slice.last!.close.doubleValue)
        }
    }
}
