import Core

extension BacktestReport {
    /// One row per trade in closing order, `seq` from 1: times as ISO-8601 UTC and epoch
    /// milliseconds, money, prices and quantities as their exact decimal text. No field needs
    /// quoting (symbols, sides, times and decimals hold no commas or quotes).
    public func tradesCSV() -> String {
        var lines = [
            "seq,symbol,side,entry_time,entry_time_ms,exit_time,exit_time_ms,entry_price,exit_price,quantity,fees,funding,pnl"
        ]
        for (offset, trade) in trades.enumerated() {
            let fields: [any CustomStringConvertible] = [
                offset + 1, trade.symbol, trade.side, trade.entryTime, trade.entryTime.milliseconds, trade.exitTime,
                trade.exitTime.milliseconds, trade.entryPrice, trade.exitPrice, trade.quantity, trade.fees, trade.funding,
                trade.pnl,
            ]
            lines.append(fields.map(\.description).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One row per equity point, oldest first: time as ISO-8601 UTC and epoch milliseconds, and
    /// the exact equity.
    public func equityCSV() -> String {
        let rows = equity.map { "\($0.time),\($0.time.milliseconds),\($0.equity)" }
        return (["time,time_ms,equity"] + rows).joined(separator: "\n") + "\n"
    }

    /// Everything as one JSON object with sorted keys: `title`, `settings` (name/value pairs in
    /// order), `metrics` (`returns`, `total`, `by_symbol`), `monthly_returns` (`months`,
    /// `years`), `trades` and `equity`. Exact amounts are decimal strings; ratios are numbers,
    /// or null where undefined.
    public func json() -> String {
        ReportJSON.serialize([
            "title": title,
            "settings": ReportJSON.settings(settings),
            "metrics": ReportJSON.metrics(metrics),
            "monthly_returns": ReportJSON.monthly(monthlyReturns),
            "trades": trades.enumerated().map { ReportJSON.trade($1, seq: $0 + 1) },
            "equity": equity.map(ReportJSON.equity),
        ] as [String: Any])
    }
}
