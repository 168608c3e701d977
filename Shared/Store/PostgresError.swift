/// A failure talking to PostgreSQL.
///
/// `description` is safe to log: it carries the SQLSTATE, the server's message, the constraint
/// and the statement text, but never the password, never a parameter value and never
/// `detail` (PostgreSQL echoes row and key values there, e.g. `Key (id)=(…) already exists`).
/// For data exceptions (SQLSTATE class 22), where the server quotes the offending input in the
/// message, the quoted text is redacted as well. `detail` stays available as a property for
/// callers who know it is harmless.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// Could not establish a connection (refused, timed out, authentication failed, ...).
        case connectionFailed
        /// The connection broke while in use; the pool discards it and reconnects on next use.
        /// Whether the statement that was in flight took effect is unknown.
        case connectionLost
        /// The server rejected the statement; the connection is still usable.
        case statement
        /// A parameter could not be sent (e.g. it contains a NUL byte).
        case invalidParameter
        /// A result column is missing, NULL where a value was required, or not the requested type.
        case decoding
        /// An operation (e.g. `ping`) did not finish within its deadline.
        case timeout
        /// The pool (or connection) was closed.
        case closed
        /// libpq returned something Keel does not handle (e.g. COPY); the connection is discarded.
        case unsupported
    }

    public var kind: Kind
    /// Five-character SQLSTATE from the server (`23505`), when there is one.
    public var sqlState: String?
    /// The server's primary message, or libpq's / Keel's explanation.
    public var message: String
    /// The server's detail line. May contain row values: not part of `description`.
    public var detail: String?
    public var hint: String?
    /// The violated constraint, for integrity errors.
    public var constraint: String?
    /// The statement that failed (text only, never its parameters).
    public var sql: String?

    public init(
        kind: Kind,
        sqlState: String? = nil,
        message: String,
        detail: String? = nil,
        hint: String? = nil,
        constraint: String? = nil,
        sql: String? = nil
    ) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.sql = sql
    }

    /// `23505`: a unique or primary-key constraint rejected the row (e.g. a duplicate message id).
    public var isUniqueViolation: Bool { sqlState == SQLState.uniqueViolation }

    /// The connection is gone (or never came up): retry on a fresh connection.
    public var isConnectionError: Bool { kind == .connectionLost || kind == .connectionFailed }

    /// A transaction failed on a serialization conflict or deadlock and can be retried as a whole.
    public var isRetryableTransactionFailure: Bool {
        sqlState == SQLState.serializationFailure || sqlState == SQLState.deadlockDetected
    }

    public var description: String {
        var text = "PostgreSQL \(kind.rawValue) error"
        if let sqlState { text += " [\(sqlState)\(SQLState.name(of: sqlState).map { " \($0)" } ?? "")]" }
        text += ": \(safeMessage)"
        if let constraint { text += " (constraint \(constraint))" }
        if let hint, !hint.isEmpty { text += "; hint: \(hint)" }
        if let sql { text += "; statement: \(Self.abbreviated(sql))" }
        return text
    }

    /// `message`, with quoted input redacted for data exceptions (class 22), whose messages quote
    /// the parameter value that failed to parse (`invalid input syntax for type integer: "…"`).
    var safeMessage: String {
        guard let sqlState, sqlState.hasPrefix("22") else { return message }
        var result = ""
        var inQuote = false
        for character in message {
            if character == "\"" {
                result.append(character)
                if !inQuote { result += "<redacted>" }
                inQuote.toggle()
            } else if !inQuote {
                result.append(character)
            }
        }
        return result
    }

    static func abbreviated(_ sql: String, limit: Int = 300) -> String {
        let flat = sql.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return flat.count <= limit ? flat : String(flat.prefix(limit)) + "…"
    }
}

/// SQLSTATE codes Keel looks at. The full list: PostgreSQL manual, appendix A.
public enum SQLState {
    public static let uniqueViolation = "23505"
    public static let foreignKeyViolation = "23503"
    public static let notNullViolation = "23502"
    public static let checkViolation = "23514"
    public static let serializationFailure = "40001"
    public static let deadlockDetected = "40P01"
    public static let queryCanceled = "57014"
    public static let adminShutdown = "57P01"
    public static let crashShutdown = "57P02"
    public static let cannotConnectNow = "57P03"
    public static let lockNotAvailable = "55P03"

    static func name(of code: String) -> String? {
        switch code {
        case uniqueViolation: "unique_violation"
        case foreignKeyViolation: "foreign_key_violation"
        case notNullViolation: "not_null_violation"
        case checkViolation: "check_violation"
        case serializationFailure: "serialization_failure"
        case deadlockDetected: "deadlock_detected"
        case queryCanceled: "query_canceled"
        case adminShutdown: "admin_shutdown"
        case crashShutdown: "crash_shutdown"
        case cannotConnectNow: "cannot_connect_now"
        case lockNotAvailable: "lock_not_available"
        case "42P01": "undefined_table"
        case "42703": "undefined_column"
        case "42601": "syntax_error"
        case "42P07": "duplicate_table"
        case "22P02": "invalid_text_representation"
        case "22003": "numeric_value_out_of_range"
        case "25P02": "in_failed_sql_transaction"
        default: nil
        }
    }
}
