import Core

/// How long positions were open: the length of the union of `[entry, exit]` intervals, clipped
/// to `span`, in milliseconds (overlapping trades count once).
enum Exposure {
    static func milliseconds(of trades: [BacktestTrade], within span: ClosedRange<Timestamp>) -> Int64 {
        let intervals = trades.map { (max($0.entryTime, span.lowerBound), min($0.exitTime, span.upperBound)) }
            .filter { $0.0 < $0.1 }
            .sorted { $0.0 < $1.0 }
        var total: Int64 = 0
        var current: (start: Timestamp, end: Timestamp)?
        for (start, end) in intervals {
            if let open = current, start <= open.end {
                current = (open.start, max(open.end, end))
            } else {
                if let open = current { total += open.end.milliseconds - open.start.milliseconds }
                current = (start, end)
            }
        }
        if let open = current { total += open.end.milliseconds - open.start.milliseconds }
        return total
    }
}
