/// A Swift value that can be sent as a statement parameter, in PostgreSQL's text format.
///
/// Other modules add conformances (e.g. Core's fixed-point money types, as exact decimal text):
///
///     extension Price: PostgresEncodable { public var postgresText: String { decimalString } }
public protocol PostgresEncodable: Sendable {
    /// The value as PostgreSQL's text input format accepts it (`42`, `true`, `12.5000`).
    var postgresText: String { get }
    /// The parameter's type OID, or 0 (the default) to let the server infer it from context,
    /// as an untyped literal would be. Add a cast in SQL (`$1::numeric`) where it cannot.
    static var postgresTypeOID: UInt32 { get }
}

extension PostgresEncodable {
    public static var postgresTypeOID: UInt32 { 0 }
}

/// One statement parameter; `nil` in a parameter list is SQL NULL.
public typealias PostgresValue = any PostgresEncodable

/// A Swift value that can be read from a result column in PostgreSQL's text format.
public protocol PostgresDecodable: Sendable {
    /// Parses the column's text; returns nil if it is not a valid value of this type.
    init?(postgresText: String)
}

// MARK: - Conformances

/// Text, and exact decimals as text (`"12345.678"` sent to a `numeric` column loses nothing).
extension String: PostgresEncodable, PostgresDecodable {
    public var postgresText: String { self }
    public init?(postgresText: String) { self = postgresText }
}

extension Substring: PostgresEncodable {
    public var postgresText: String { String(self) }
}

extension Int64: PostgresEncodable, PostgresDecodable {
    public var postgresText: String { String(self) }
    public init?(postgresText: String) { self.init(postgresText, radix: 10) }
}

extension Int: PostgresEncodable, PostgresDecodable {
    public var postgresText: String { String(self) }
    public init?(postgresText: String) { self.init(postgresText, radix: 10) }
}

extension Int32: PostgresEncodable, PostgresDecodable {
    public var postgresText: String { String(self) }
    public init?(postgresText: String) { self.init(postgresText, radix: 10) }
}

extension Bool: PostgresEncodable, PostgresDecodable {
    public var postgresText: String { self ? "true" : "false" }
    public init?(postgresText: String) {
        switch postgresText {
        case "t", "true": self = true
        case "f", "false": self = false
        default: return nil
        }
    }
}

/// For indicators and ML features only: money is exact (send decimal text instead).
extension Double: PostgresEncodable, PostgresDecodable {
    public var postgresText: String {
        if isNaN { return "NaN" }
        if isInfinite { return self > 0 ? "Infinity" : "-Infinity" }
        return description  // shortest text that round-trips, which float8in reads back exactly
    }

    public init?(postgresText: String) {
        switch postgresText {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default: self.init(postgresText)
        }
    }
}

/// Quotes an SQL identifier (a database, table or column name) for the few statements that
/// cannot take it as a parameter, such as `CREATE DATABASE`. Values are always parameters.
public func postgresQuotedIdentifier(_ name: String) -> String {
    var quoted = "\""
    for character in name {
        quoted += character == "\"" ? "\"\"" : String(character)
    }
    return quoted + "\""
}
