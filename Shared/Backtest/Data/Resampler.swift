import Core

/// Candles of one symbol regrouped into a longer timeframe, UTC-aligned as
/// `Timeframe.bucketStart(of:)` (hours and days from 00:00 UTC, weeks from Monday 00:00 UTC):
/// open of the first bar, highest high, lowest low, close of the last, volumes summed, turnover
/// summed when every bar has one. A bucket is complete when it holds every bar of the source
/// timeframe it spans (e.g. 12 five-minute bars for an hour).
public enum Resampler {
    /// What to do with an incomplete bucket: the data starts or ends inside it, or bars are
    /// missing from it.
    public enum IncompleteBuckets: Sendable, Hashable {
        /// Leave it out (the default: a backtest never sees a bar that did not really close).
        case drop
        /// Keep it, flagged with `isClosed == false`.
        case flag
    }

    /// `candles` (one symbol and timeframe, oldest first, one per open time, as `ValidatedBars`
    /// holds) in `target` buckets. Chains: 1m → 5m → 1h → 4h gives what 1m → 4h gives.
    public static func resample(
        _ candles: [Candle], to target: Timeframe, incomplete: IncompleteBuckets = .drop
    ) throws(ResampleError) -> [Candle] {
        guard let first = candles.first else { return [] }
        let source = first.timeframe
        // Every timeframe that divides a week also divides the four days weeks are offset by,
        // so a whole number of source bars always starts on a target bucket.
        guard target.milliseconds % source.milliseconds == 0 else { throw .notAMultiple(source: source, target: target) }
        let perBucket = Int(target.milliseconds / source.milliseconds)
        var result: [Candle] = []
        result.reserveCapacity(candles.count / perBucket + 1)
        var start = 0
        while start < candles.count {
            let bucket = target.bucketStart(of: candles[start].openTime)
            var end = start
            while end < candles.count, target.bucketStart(of: candles[end].openTime) == bucket {
                let candle = candles[end]
                guard candle.symbol == first.symbol, candle.timeframe == source else { throw .mixedSeries(at: candle.openTime) }
                guard end == start || candles[end - 1].openTime < candle.openTime else { throw .notInOrder(at: candle.openTime) }
                end += 1
            }
            if end < candles.count, candles[end].openTime < bucket { throw .notInOrder(at: candles[end].openTime) }
            let complete = end - start == perBucket
            if complete || incomplete == .flag {
                result.append(merge(candles[start..<end], into: target, openTime: bucket, isClosed: complete))
            }
            start = end
        }
        return result
    }

    /// One `timeframe` candle opening at `openTime` from `bars` (non-empty, oldest first, inside
    /// the bucket); closed only when `isClosed` and every bar is.
    static func merge(_ bars: ArraySlice<Candle>, into timeframe: Timeframe, openTime: Timestamp, isClosed: Bool) -> Candle {
        let first = bars[bars.startIndex]
        var high = first.high
        var low = first.low
        var volume = FixedPoint.zero
        var turnover: FixedPoint? = .zero
        var closed = isClosed
        for bar in bars {
            high = max(high, bar.high)
            low = min(low, bar.low)
            // Force-try is safe: sums of a bucket's volumes stay far below Int64 units.
            volume = try! volume.adding(bar.volume.value)
            turnover = bar.turnover.flatMap { value in turnover.map { try! $0.adding(value.value) } }
            closed = closed && bar.isClosed
        }
        // Force-try is safe: open, high, low and close come from valid candles, so they bound
        // each other; the open time is a bucket start.
        return try! Candle(
            symbol: first.symbol, timeframe: timeframe, openTime: openTime, open: first.open, high: high, low: low,
            close: bars[bars.endIndex - 1].close, volume: Quantity(volume), turnover: turnover.map(Money.init),
            isClosed: closed)
    }
}

/// Why candles could not be resampled.
public enum ResampleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The target is not a whole number of source bars.
    case notAMultiple(source: Timeframe, target: Timeframe)
    /// Candles of another symbol or timeframe among the input.
    case mixedSeries(at: Timestamp)
    /// The input is not oldest first with one candle per open time.
    case notInOrder(at: Timestamp)

    public var description: String {
        switch self {
        case .notAMultiple(let source, let target): return "cannot resample \(source) bars to \(target): not a whole number of them"
        case .mixedSeries(let time): return "the candle at \(time) is of another symbol or timeframe"
        case .notInOrder(let time): return "the candle at \(time) is out of order or a duplicate"
        }
    }
}
