/// Why an OHLCV file could not be replayed: the line (1-based; 0 for the file as a whole), an
/// excerpt of it, and the reason.
public struct OHLCVFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        case unreadable(String)
        case noBars
        /// The header lacks a column the replay needs (`open`, `high`, `low`, `close`, a time, a volume).
        case missingColumn(String)
        case wrongFieldCount(expected: Int, found: Int)
        case badNumber(column: String, detail: String)
        case badTime(String)
        /// High below open/close/low, or low above open/close.
        case inconsistentPrices
        case nonPositivePrice(column: String)
        /// A price finer than the instrument's tick cannot be rounded onto it within range.
        case priceOutOfRange(column: String)
        case duplicateTime
        /// A bar whose distance to the previous one is not a whole number of bars.
        case irregularSpacing(milliseconds: Int64, barMilliseconds: Int64)
    }

    public let line: Int
    public let excerpt: String
    public let reason: Reason

    init(line: Int, text: Substring, _ reason: Reason) {
        self.line = line
        self.excerpt = text.count > 120 ? String(text.prefix(120)) + "…" : String(text)
        self.reason = reason
    }

    public var description: String {
        let place = line > 0 ? "line \(line): " : ""
        let quoted = excerpt.isEmpty ? "" : " in \(String(reflecting: excerpt))"
        return "OHLCV file: \(place)\(detail)\(quoted)"
    }

    /// The reason in words, without the line.
    public var detail: String {
        switch reason {
        case .unreadable(let why): return "cannot read the file: \(why)"
        case .noBars: return "no bars after the header"
        case .missingColumn(let name): return "the header has no \(name) column"
        case .wrongFieldCount(let expected, let found): return "expected \(expected) fields, found \(found)"
        case .badNumber(let column, let why): return "\(column) is not a decimal number (\(why))"
        case .badTime(let text): return "time \(String(reflecting: text)) is not a date (yyyy-MM-dd hh-AM, ISO 8601 or epoch ms)"
        case .inconsistentPrices: return "high/low do not bound open and close"
        case .nonPositivePrice(let column): return "\(column) is not positive"
        case .priceOutOfRange(let column): return "\(column) is out of range for the instrument's tick"
        case .duplicateTime: return "a second bar at the same time"
        case .irregularSpacing(let gap, let bar): return "\(gap) ms after the previous bar, not a multiple of the bar length \(bar) ms"
        }
    }
}
