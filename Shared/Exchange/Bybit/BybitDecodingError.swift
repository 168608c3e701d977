import Core
import Foundation

/// A Bybit payload that could not be decoded into Keel's types. `field` is the JSON path of the
/// offending value (e.g. `result.list[0].priceFilter.tickSize`), `excerpt` the start of the
/// payload (at most 200 characters) for the log.
public struct BybitDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        /// Not JSON, or not the expected top-level shape.
        case malformedJSON(String)
        /// A required field is absent or null.
        case missingField
        /// A decimal value arrived as a JSON number; Bybit sends decimals as strings, and a
        /// number would pass through `Double`.
        case nonStringNumber
        /// A string that is not an exact decimal (or integer, for counters and times).
        case invalidNumber(String)
        /// A string outside the values Keel knows for this field.
        case unknownEnumValue(String)
        /// The value has the wrong JSON type.
        case typeMismatch(expected: String)
        /// The value is well formed but violates a rule (e.g. a candle's high below its low).
        case invalidValue(String)
    }

    public static let excerptLimit = 200

    public let reason: Reason
    /// JSON path of the offending value; empty for the whole payload.
    public let field: String
    /// The start of the payload, at most `excerptLimit` characters.
    public internal(set) var excerpt: String

    public init(_ reason: Reason, field: String, excerpt: String = "") {
        self.reason = reason
        self.field = field
        self.excerpt = excerpt
    }

    public var description: String {
        let what: String
        switch reason {
        case .malformedJSON(let detail): what = "malformed JSON (\(detail))"
        case .missingField: what = "missing field"
        case .nonStringNumber: what = "number where a decimal string is required"
        case .invalidNumber(let text): what = "invalid number \(String(reflecting: text))"
        case .unknownEnumValue(let text): what = "unknown value \(String(reflecting: text))"
        case .typeMismatch(let expected): what = "expected \(expected)"
        case .invalidValue(let detail): what = "invalid value: \(detail)"
        }
        let location = field.isEmpty ? "" : " at \(field)"
        return "Bybit payload: \(what)\(location); payload: \(excerpt)"
    }
}

/// At most `limit` characters of `text`, with "…" when cut.
func excerpt(of text: String, limit: Int) -> String {
    guard text.count > limit else { return text }
    return String(text.prefix(limit - 1)) + "…"
}

/// Runs a decode of `data` and turns every failure into a `BybitDecodingError` carrying an
/// excerpt of the payload. `BybitError` (a non-zero retCode) passes through.
func withPayloadExcerpt<T>(_ data: Data, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as BybitError {
        throw error
    } catch var error as BybitDecodingError {
        error.excerpt = payloadExcerpt(data)
        throw error
    } catch let error as DecodingError {
        var mapped = BybitDecodingError(decodingError: error)
        mapped.excerpt = payloadExcerpt(data)
        throw mapped
    } catch {
        throw BybitDecodingError(.invalidValue(String(describing: error)), field: "", excerpt: payloadExcerpt(data))
    }
}

func payloadExcerpt(_ data: Data) -> String {
    excerpt(of: String(decoding: data.prefix(1024), as: UTF8.self), limit: BybitDecodingError.excerptLimit)
}

extension BybitDecodingError {
    init(decodingError: DecodingError) {
        switch decodingError {
        case .keyNotFound(let key, let context):
            self.init(.missingField, field: jsonPath(context.codingPath + [key]))
        case .valueNotFound(_, let context):
            self.init(.missingField, field: jsonPath(context.codingPath))
        case .typeMismatch(let type, let context):
            self.init(.typeMismatch(expected: String(describing: type)), field: jsonPath(context.codingPath))
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                self.init(.malformedJSON(context.debugDescription), field: "")
            } else {
                self.init(.invalidValue(context.debugDescription), field: jsonPath(context.codingPath))
            }
        @unknown default:
            self.init(.malformedJSON(String(describing: decodingError)), field: "")
        }
    }
}

/// Renders a coding path as `result.list[0].symbol`.
func jsonPath(_ path: [any CodingKey]) -> String {
    var out = ""
    for key in path {
        if let index = key.intValue, key.stringValue == "Index \(index)" || key.stringValue == String(index) {
            out += "[\(index)]"
        } else {
            out += out.isEmpty ? key.stringValue : ".\(key.stringValue)"
        }
    }
    return out
}

/// A position in a JSON array, for coding paths.
struct IndexKey: CodingKey {
    let intValue: Int?
    let stringValue: String
    init(_ index: Int) {
        intValue = index
        stringValue = "Index \(index)"
    }
    init?(intValue: Int) { self.init(intValue) }
    init?(stringValue: String) { return nil }
}

/// One JSON scalar, decoded without ever going through `Double` for strings.
enum BybitScalar: Decodable {
    case string(String)
    case number
    case bool(Bool)
    case null
    case composite

    init(from decoder: any Decoder) throws {
        guard let container = try? decoder.singleValueContainer() else {
            self = .composite
            return
        }
        if container.decodeNil() {
            self = .null
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if (try? container.decode(Int64.self)) != nil || (try? container.decode(Double.self)) != nil {
            self = .number
        } else {
            self = .composite
        }
    }
}

// MARK: - Field readers

extension KeyedDecodingContainer {
    /// The raw string of a required field.
    func bybitString(_ key: Key) throws -> String {
        let path = jsonPath(codingPath + [key])
        switch try decodeIfPresent(BybitScalar.self, forKey: key) ?? .null {
        case .string(let text): return text
        case .null: throw BybitDecodingError(.missingField, field: path)
        case .number: throw BybitDecodingError(.typeMismatch(expected: "string, got number"), field: path)
        case .bool: throw BybitDecodingError(.typeMismatch(expected: "string, got bool"), field: path)
        case .composite: throw BybitDecodingError(.typeMismatch(expected: "string"), field: path)
        }
    }

    /// A required exact decimal, sent as a string.
    func bybitDecimal(_ key: Key) throws -> FixedPoint {
        try parseDecimal(scalar: try decodeIfPresent(BybitScalar.self, forKey: key) ?? .null,
                         path: jsonPath(codingPath + [key]))
    }

    /// An optional decimal: absent, null or "" give nil.
    func bybitOptionalDecimal(_ key: Key) throws -> FixedPoint? {
        let scalar = try decodeIfPresent(BybitScalar.self, forKey: key) ?? .null
        switch scalar {
        case .null, .string(""): return nil
        default: return try parseDecimal(scalar: scalar, path: jsonPath(codingPath + [key]))
        }
    }

    /// A required integer (a time, a counter) sent either as a string or as a JSON integer.
    func bybitInteger(_ key: Key) throws -> Int64 {
        let path = jsonPath(codingPath + [key])
        switch try decodeIfPresent(BybitScalar.self, forKey: key) ?? .null {
        case .string(let text):
            guard let value = Int64(text) else { throw BybitDecodingError(.invalidNumber(text), field: path) }
            return value
        case .number:
            do {
                return try decode(Int64.self, forKey: key)
            } catch {
                throw BybitDecodingError(.typeMismatch(expected: "integer"), field: path)
            }
        case .null: throw BybitDecodingError(.missingField, field: path)
        case .bool, .composite: throw BybitDecodingError(.typeMismatch(expected: "integer"), field: path)
        }
    }

    /// A required symbol.
    func bybitSymbol(_ key: Key) throws -> Symbol {
        let text = try bybitString(key)
        do {
            return try Symbol(text)
        } catch {
            throw BybitDecodingError(.invalidValue(String(describing: error)), field: jsonPath(codingPath + [key]))
        }
    }
}

extension UnkeyedDecodingContainer {
    /// The next element of an array of decimal strings (kline rows, book levels).
    mutating func bybitDecimal() throws -> FixedPoint {
        let path = jsonPath(codingPath + [IndexKey(currentIndex)])
        guard !isAtEnd else { throw BybitDecodingError(.missingField, field: path) }
        return try parseDecimal(scalar: try decode(BybitScalar.self), path: path)
    }

    /// The next element of an array of strings holding an integer (a kline start time).
    mutating func bybitIntegerString() throws -> Int64 {
        let path = jsonPath(codingPath + [IndexKey(currentIndex)])
        guard !isAtEnd else { throw BybitDecodingError(.missingField, field: path) }
        switch try decode(BybitScalar.self) {
        case .string(let text):
            guard let value = Int64(text) else { throw BybitDecodingError(.invalidNumber(text), field: path) }
            return value
        case .number: throw BybitDecodingError(.nonStringNumber, field: path)
        case .null: throw BybitDecodingError(.missingField, field: path)
        case .bool, .composite: throw BybitDecodingError(.typeMismatch(expected: "string"), field: path)
        }
    }
}

private func parseDecimal(scalar: BybitScalar, path: String) throws -> FixedPoint {
    switch scalar {
    case .string(let text):
        do {
            return try FixedPoint.parse(text)
        } catch {
            throw BybitDecodingError(.invalidNumber(text), field: path)
        }
    case .number: throw BybitDecodingError(.nonStringNumber, field: path)
    case .null: throw BybitDecodingError(.missingField, field: path)
    case .bool, .composite: throw BybitDecodingError(.typeMismatch(expected: "decimal string"), field: path)
    }
}
