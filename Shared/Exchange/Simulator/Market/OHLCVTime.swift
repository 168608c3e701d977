import Core

/// The time formats OHLCV files use, read as UTC: CryptoDataDownload's `2019-10-17 09-AM`,
/// ISO 8601 (`2019-10-17T09:00:00Z`, `2019-10-17 09:00`, `2019-10-17`), and epoch
/// milliseconds (13 digits and more) or seconds (fewer).
enum OHLCVTime {
    static func parse(_ text: Substring) -> Timestamp? {
        let text = text.trimmingSpaces
        if !text.isEmpty, text.allSatisfy(\.isASCIIDigit), let value = Int64(text) {
            return Timestamp(milliseconds: text.count >= 13 ? value : value * 1000)
        }
        let bytes = Array(text.utf8)
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let year = number(bytes, 0..<4), let month = number(bytes, 5..<7), let day = number(bytes, 8..<10),
              (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var rest = bytes[10...]
        var seconds: Int64 = 0
        if let separator = rest.first {
            guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: " ") else { return nil }
            rest = rest.dropFirst()
            guard let time = timeOfDay(Array(rest)) else { return nil }
            seconds = time
        }
        return Timestamp(milliseconds: (daysSinceEpoch(year: year, month: month, day: day) * 86_400 + seconds) * 1000)
    }

    /// `09-AM`, `12-PM`, `09:00`, `09:00:00`, `09:00:00.000`, optionally ending in `Z` or `+00:00`.
    private static func timeOfDay(_ bytes: [UInt8]) -> Int64? {
        guard bytes.count >= 5, let hour = number(bytes, 0..<2) else { return nil }
        if bytes[2] == UInt8(ascii: "-") {
            let suffix = String(decoding: bytes[3...], as: UTF8.self).uppercased()
            guard (1...12).contains(hour), suffix == "AM" || suffix == "PM" else { return nil }
            return (hour % 12 + (suffix == "PM" ? 12 : 0)) * 3600
        }
        guard bytes[2] == UInt8(ascii: ":"), let minute = number(bytes, 3..<5), hour < 24, minute < 60 else { return nil }
        var rest = bytes[5...]
        var second: Int64 = 0
        if rest.first == UInt8(ascii: ":") {
            guard rest.count >= 3, let value = number(Array(rest), 1..<3), value < 60 else { return nil }
            second = value
            rest = rest.dropFirst(3)
            if rest.first == UInt8(ascii: ".") {
                rest = rest.dropFirst()
                let digits = rest.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
                guard !digits.isEmpty else { return nil }
                rest = rest.dropFirst(digits.count)
            }
        }
        let zone = String(decoding: rest, as: UTF8.self)
        guard ["", "Z", "+00:00", "+0000"].contains(zone) else { return nil }
        return hour * 3600 + minute * 60 + second
    }

    private static func number(_ bytes: [UInt8], _ range: Range<Int>) -> Int64? {
        guard range.upperBound <= bytes.count else { return nil }
        var value: Int64 = 0
        for byte in bytes[range] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension Substring {
    var trimmingSpaces: Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? start
        return self[start..<end]
    }
}
