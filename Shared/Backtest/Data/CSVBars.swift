import Core
import ExchangeSimulator

/// OHLCV bars for a backtest from a CSV file, read by the same reader as `keel sim --replay`
/// and `keel indicators` (`OHLCVFile`: CryptoDataDownload's layout or a plain
/// `timestamp,open,high,low,close,volume`), then checked and repaired by `BarValidator`.
/// Prices and volumes keep the file's decimals exactly.
public enum CSVBars {
    /// Throws `OHLCVFileError` when the file as a whole is unusable (unreadable, no header, a
    /// missing column), `BarDataError` when its bars are refused.
    public static func load(path: String, symbol: Symbol, timeframe: Timeframe, repairs: BarRepairs = []) throws -> ValidatedBars {
        try parse(try OHLCVFile.text(path: path), source: path, symbol: symbol, timeframe: timeframe, repairs: repairs)
    }

    /// `text` as the contents of a file named `source` (the name issues are reported with).
    public static func parse(
        _ text: String, source: String, symbol: Symbol, timeframe: Timeframe, repairs: BarRepairs = []
    ) throws -> ValidatedBars {
        var rows: [LocatedCandle] = []
        var bad: [BarIssue] = []
        func badRow(_ line: Int, _ reason: String) {
            bad.append(BarIssue(source: source, line: line, kind: .badRow(reason), repaired: repairs.contains(.dropBadRows)))
        }
        for line in try OHLCVFile.lines(text) {
            switch line {
            case .failure(let error):
                badRow(error.line, error.detail)
            case .success(let row):
                do {
                    let candle = try Candle(
                        symbol: symbol, timeframe: timeframe, openTime: row.openTime, open: Price(row.open),
                        high: Price(row.high), low: Price(row.low), close: Price(row.close), volume: Quantity(row.volume),
                        isClosed: true)
                    rows.append(LocatedCandle(candle: candle, line: row.line))
                } catch {
                    badRow(row.line, "\(error)")
                }
            }
        }
        return try BarValidator.validate(rows, badRows: bad, source: source, symbol: symbol, timeframe: timeframe, repairs: repairs)
    }
}
