import Core

/// A bar and the line (or result row) it came from.
struct LocatedCandle: Sendable, Hashable {
    let candle: Candle
    let line: Int
}

/// Checks one symbol's bars for a backtest and applies the repairs asked for.
///
/// * A series that runs newest first throughout (its first bar is later than its last, as in
///   CryptoDataDownload's files) is read backwards; that is its layout, not an issue.
/// * Unsorted: a bar earlier than the bar on the line before it.
/// * Duplicate: a second bar at an open time; the first by line is kept.
/// * Gap: consecutive open times (after sorting and dropping duplicates) more than one bar apart.
/// * Bad rows come from the reader (`badRows`).
///
/// Every issue is reported; when one of them has no repair in `repairs` the data is refused.
enum BarValidator {
    static func validate(
        _ rows: [LocatedCandle], badRows: [BarIssue], source: String, symbol: Symbol, timeframe: Timeframe,
        repairs: BarRepairs
    ) throws(BarDataError) -> ValidatedBars {
        var issues = badRows
        func report(_ line: Int, _ kind: BarIssue.Kind) {
            let issue = BarIssue(source: source, line: line, kind: kind, repaired: false)
            issues.append(BarIssue(source: source, line: line, kind: kind, repaired: repairs.contains(issue.repair)))
        }
        var rows = rows
        if let first = rows.first, let last = rows.last, first.candle.openTime > last.candle.openTime { rows.reverse() }
        for (previous, row) in zip(rows, rows.dropFirst()) where row.candle.openTime < previous.candle.openTime {
            report(row.line, .unsorted(previousLine: previous.line))
        }
        rows.sort { ($0.candle.openTime, $0.line) < ($1.candle.openTime, $1.line) }

        var kept: [LocatedCandle] = []
        kept.reserveCapacity(rows.count)
        for row in rows {
            if let last = kept.last, last.candle.openTime == row.candle.openTime {
                report(row.line, .duplicate(keptLine: last.line))
            } else {
                kept.append(row)
            }
        }

        var candles: [Candle] = []
        candles.reserveCapacity(kept.count)
        for (index, row) in kept.enumerated() {
            if index > 0 {
                let previous = kept[index - 1].candle
                let missing = (row.candle.openTime.milliseconds - previous.openTime.milliseconds) / timeframe.milliseconds - 1
                if missing > 0 {
                    report(kept[index - 1].line, .gap(after: previous.openTime, missingBars: missing))
                    if repairs.contains(.fillGaps) { candles += flatBars(after: previous, count: missing) }
                }
            }
            candles.append(row.candle)
        }
        issues.sort { ($0.line, $0.repair.rawValue) < ($1.line, $1.repair.rawValue) }
        guard issues.allSatisfy(\.repaired) else { throw .refused(source: source, issues: issues) }
        guard !candles.isEmpty else { throw .noBars(source: source) }
        return ValidatedBars(symbol: symbol, timeframe: timeframe, candles: candles, issues: issues)
    }

    /// `count` bars after `previous`, each open = high = low = close = its close, volume zero.
    private static func flatBars(after previous: Candle, count: Int64) -> [Candle] {
        (1...count).map { step in
            // Force-try is safe: the prices repeat a valid candle's close, the volume is zero and
            // the open time is a whole number of bars after a valid open time.
            try! Candle(
                symbol: previous.symbol, timeframe: previous.timeframe,
                openTime: previous.openTime.adding(milliseconds: step * previous.timeframe.milliseconds),
                open: previous.close, high: previous.close, low: previous.close, close: previous.close,
                volume: .zero, turnover: previous.turnover.map { _ in .zero }, isClosed: true)
        }
    }
}
