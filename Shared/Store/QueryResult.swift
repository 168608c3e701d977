/// The outcome of one statement, copied out of libpq (so it outlives the connection).
public struct QueryResult: Sendable {
    /// Result column names, in order (empty for statements that return no rows).
    public var columnNames: [String] { layout.names }
    public let rows: [PostgresRow]
    /// Rows inserted, updated, deleted, selected, ... (`PQcmdTuples`); 0 where not applicable.
    public let affectedRows: Int
    /// The command tag, e.g. `INSERT 0 1`, `UPDATE 3`, `CREATE TABLE`.
    public let commandTag: String

    let layout: ColumnLayout

    init(layout: ColumnLayout, rows: [PostgresRow], affectedRows: Int, commandTag: String) {
        self.layout = layout
        self.rows = rows
        self.affectedRows = affectedRows
        self.commandTag = commandTag
    }

    public var isEmpty: Bool { rows.isEmpty }
    public var first: PostgresRow? { rows.first }

    /// The only row; throws if there are none or several.
    public func single() throws -> PostgresRow {
        guard rows.count == 1 else {
            throw PostgresError(kind: .decoding, message: "expected exactly one row, got \(rows.count)")
        }
        return rows[0]
    }
}

/// Column names shared by every row of a result.
final class ColumnLayout: Sendable {
    let names: [String]
    let indexByName: [String: Int]

    init(names: [String]) {
        self.names = names
        var index: [String: Int] = [:]
        for (position, name) in names.enumerated() where index[name] == nil {
            index[name] = position
        }
        indexByName = index
    }
}

/// One result row. Columns are addressed by name (first column of that name) or by index;
/// typed accessors throw `PostgresError` (kind `.decoding`) when the column is missing, NULL
/// where a value is required, or not valid text for the type. The `optional…` forms return nil
/// for NULL.
public struct PostgresRow: Sendable {
    let layout: ColumnLayout
    /// Text-format values; nil is SQL NULL.
    public let values: [String?]

    init(layout: ColumnLayout, values: [String?]) {
        self.layout = layout
        self.values = values
    }

    public var columnNames: [String] { layout.names }

    // MARK: Raw access

    /// The column's text, or nil for NULL.
    public func text(_ column: String) throws -> String? { values[try index(of: column)] }
    public func text(_ index: Int) throws -> String? { values[try checked(index)] }

    public func isNull(_ column: String) throws -> Bool { try text(column) == nil }
    public func isNull(_ index: Int) throws -> Bool { try text(index) == nil }

    // MARK: Generic decoding

    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, _ column: String) throws -> T {
        try require(decodeOptional(type, column), column: "\"\(column)\"", type: type)
    }

    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, _ index: Int) throws -> T {
        try require(decodeOptional(type, index), column: "#\(index)", type: type)
    }

    public func decodeOptional<T: PostgresDecodable>(_ type: T.Type = T.self, _ column: String) throws -> T? {
        try parse(text(column), column: "\"\(column)\"", type: type)
    }

    public func decodeOptional<T: PostgresDecodable>(_ type: T.Type = T.self, _ index: Int) throws -> T? {
        try parse(text(index), column: "#\(index)", type: type)
    }

    // MARK: Typed shortcuts

    public func string(_ column: String) throws -> String { try decode(String.self, column) }
    public func string(_ index: Int) throws -> String { try decode(String.self, index) }
    public func optionalString(_ column: String) throws -> String? { try decodeOptional(String.self, column) }
    public func optionalString(_ index: Int) throws -> String? { try decodeOptional(String.self, index) }

    public func int64(_ column: String) throws -> Int64 { try decode(Int64.self, column) }
    public func int64(_ index: Int) throws -> Int64 { try decode(Int64.self, index) }
    public func optionalInt64(_ column: String) throws -> Int64? { try decodeOptional(Int64.self, column) }
    public func optionalInt64(_ index: Int) throws -> Int64? { try decodeOptional(Int64.self, index) }

    public func int(_ column: String) throws -> Int { try decode(Int.self, column) }
    public func int(_ index: Int) throws -> Int { try decode(Int.self, index) }

    public func bool(_ column: String) throws -> Bool { try decode(Bool.self, column) }
    public func bool(_ index: Int) throws -> Bool { try decode(Bool.self, index) }
    public func optionalBool(_ column: String) throws -> Bool? { try decodeOptional(Bool.self, column) }
    public func optionalBool(_ index: Int) throws -> Bool? { try decodeOptional(Bool.self, index) }

    public func double(_ column: String) throws -> Double { try decode(Double.self, column) }
    public func double(_ index: Int) throws -> Double { try decode(Double.self, index) }

    // MARK: Helpers

    private func index(of column: String) throws -> Int {
        guard let index = layout.indexByName[column] else {
            throw PostgresError(
                kind: .decoding,
                message: "no column \"\(column)\" in result (columns: \(layout.names.joined(separator: ", ")))"
            )
        }
        return index
    }

    private func checked(_ index: Int) throws -> Int {
        guard values.indices.contains(index) else {
            throw PostgresError(kind: .decoding, message: "column index \(index) out of range (\(values.count) columns)")
        }
        return index
    }

    private func parse<T: PostgresDecodable>(_ text: String?, column: String, type: T.Type) throws -> T? {
        guard let text else { return nil }
        guard let value = T(postgresText: text) else {
            // The value itself is left out: it could be anything the table holds.
            throw PostgresError(
                kind: .decoding,
                message: "column \(column): \(text.count)-character text is not a valid \(T.self)"
            )
        }
        return value
    }

    private func require<T>(_ value: T?, column: String, type: T.Type) throws -> T {
        guard let value else {
            throw PostgresError(kind: .decoding, message: "column \(column) is NULL, expected \(T.self)")
        }
        return value
    }
}
