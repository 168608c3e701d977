import Core

/// One problem found in a series of bars, where it is, and whether an explicit repair fixed it.
public struct BarIssue: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// A line that is not a valid bar (a bad number, high below low, a non-positive price,
        /// NaN, an open time off the timeframe's grid); the reason.
        case badRow(String)
        /// The bar is earlier than the one on `previousLine` (rows out of time order).
        case unsorted(previousLine: Int)
        /// A second bar at the same open time as the one on `keptLine`.
        case duplicate(keptLine: Int)
        /// `missingBars` bars are missing after the bar at `after` (the issue's line is the bar
        /// before the gap).
        case gap(after: Timestamp, missingBars: Int64)
    }

    /// The file path, or the PostgreSQL table and series.
    public let source: String
    /// The CSV line (1-based), or the row's position in the query's result (1-based).
    public let line: Int
    public let kind: Kind
    /// Whether the repair for this kind was asked for and applied.
    public let repaired: Bool

    /// The repair option that fixes this kind of issue.
    public var repair: BarRepairs {
        switch kind {
        case .badRow: return .dropBadRows
        case .unsorted: return .sort
        case .duplicate: return .dropDuplicates
        case .gap: return .fillGaps
        }
    }

    public var description: String {
        let what: String
        let fix: String
        switch kind {
        case .badRow(let reason):
            what = reason
            fix = "dropped"
        case .unsorted(let previous):
            what = "earlier than line \(previous)"
            fix = "moved into time order"
        case .duplicate(let kept):
            what = "same open time as line \(kept)"
            fix = "dropped, line \(kept) kept"
        case .gap(let after, let missing):
            what = "\(missing) bar(s) missing after \(after)"
            fix = "filled with the previous close and zero volume"
        }
        return "\(source):\(line): \(what)" + (repaired ? " (repaired: \(fix))" : " (not repaired: needs \(repair))")
    }
}
