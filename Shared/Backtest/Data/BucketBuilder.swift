import Core

/// `Resampler`'s candles of one longer timeframe, built from a series' bars as they come rather
/// than from an array of candles: the same candle (open of the first bar, highest high, lowest
/// low, close of the last, volumes summed), given when the bar completing its bucket comes, and
/// only when every bar of the bucket came.
struct BucketBuilder {
    let timeframe: Timeframe
    /// Bars of the source timeframe in one bucket.
    private let perBucket: Int
    /// Open time of the bucket being built, and what its bars so far give (ticks and units).
    private var bucket = Int64.min
    private var count = 0
    private var open: Int64 = 0
    private var high: Int64 = 0
    private var low: Int64 = 0
    private var volume: Int64 = 0

    /// Throws `ResampleError.notAMultiple` when `timeframe` is not a whole number of `source` bars.
    init(_ timeframe: Timeframe, from source: Timeframe) throws(ResampleError) {
        guard timeframe.milliseconds % source.milliseconds == 0 else { throw .notAMultiple(source: source, target: timeframe) }
        self.timeframe = timeframe
        perBucket = Int(timeframe.milliseconds / source.milliseconds)
    }

    /// Adds bar `index` of `series` (fed oldest first): the bucket's candle when this bar completes it.
    mutating func add(_ index: Int, of series: BarSeries) -> Candle? {
        let start = timeframe.bucketStart(of: Timestamp(milliseconds: series.openTimes[index])).milliseconds
        if start != bucket {
            bucket = start
            count = 0
            open = series.opens[index]
            high = series.highs[index]
            low = series.lows[index]
            volume = 0
        } else {
            high = max(high, series.highs[index])
            low = min(low, series.lows[index])
        }
        volume += series.volumes[index]
        count += 1
        guard count == perBucket else { return nil }
        // Force-try is safe: the bars are valid candles', so the merged prices bound each other,
        // and the open time is a bucket start.
        return try! Candle(
            symbol: series.symbol, timeframe: timeframe, openTime: Timestamp(milliseconds: bucket), open: series.price(open),
            high: series.price(high), low: series.price(low), close: series.price(series.closes[index]),
            volume: series.instrument.quantityValue(units: volume), isClosed: true)
    }
}
