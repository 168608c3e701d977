import CLibPQ
import Config
import Dispatch
import Glibc

/// One libpq `PGconn` plus the serial queue that is its only user.
///
/// Why `@unchecked Sendable` is safe: a `PGconn` is not thread-safe, so `pointer` and
/// `fatalNoticeFlag` (which libpq's notice receiver writes during libpq calls) are touched only
/// by code running on `queue`, a serial DispatchQueue: at most one thread uses the connection
/// at a time, and libpq's blocking calls occupy that queue's thread instead of Swift's
/// cooperative pool. Every method here except `init`/`deinit` must be called on `queue`.
/// `deinit` runs only once no closure holds the handle, so freeing there is exclusive too.
final class LibPQHandle: @unchecked Sendable {
    let queue: DispatchQueue
    private var pointer: OpaquePointer?
    /// Set when the server sends a FATAL/PANIC message outside a query, which it does right
    /// before closing the session (e.g. `pg_terminate_backend`, server shutdown).
    private let fatalNoticeFlag: UnsafeMutablePointer<Bool>

    init(label: String) {
        queue = DispatchQueue(label: label)
        fatalNoticeFlag = .allocate(capacity: 1)
        fatalNoticeFlag.initialize(to: false)
    }

    deinit {
        if let pointer { PQfinish(pointer) }
        fatalNoticeFlag.deallocate()
    }

    var isOpen: Bool { pointer != nil }

    // MARK: Connect and close

    /// Connects (blocking, bounded by `connect_timeout`). Returns the server-side cancel handle.
    func connect(_ config: PostgresConfig, applicationName: String) throws -> CancelToken? {
        var parameters: [(String, String)] = [
            ("host", config.host),
            ("port", String(config.port)),
            ("dbname", config.database),
            ("user", config.user),
            // libpq treats 1 as 2 and 0 as "wait forever": never allow forever.
            ("connect_timeout", String(max(2, config.connectTimeoutSeconds))),
            ("application_name", applicationName),
            ("client_encoding", "UTF8"),
            // Notice a dead peer on an idle or busy connection within about a minute.
            ("keepalives", "1"),
            ("keepalives_idle", "30"),
            ("keepalives_interval", "10"),
            ("keepalives_count", "3"),
            ("tcp_user_timeout", "30000"),
        ]
        if let password = config.password {
            parameters.append(("password", password.value))
        }
        let keys = parameters.map { strdup($0.0) }
        let values = parameters.map { strdup($0.1) }
        defer {
            keys.forEach { free($0) }
            values.forEach { free($0) }
        }
        let keyPointers = keys.map { UnsafePointer($0) } + [nil]
        let valuePointers = values.map { UnsafePointer($0) } + [nil]
        guard let connection = PQconnectdbParams(keyPointers, valuePointers, 0) else {
            throw PostgresError(kind: .connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            // libpq's message names host and port and the reason; it never contains the password.
            let message = Self.trimmed(PQerrorMessage(connection)) ?? "connection failed"
            PQfinish(connection)
            throw PostgresError(kind: .connectionFailed, message: message)
        }
        PQsetNoticeReceiver(connection, { argument, result in
            guard let argument, let result,
                let severity = PQresultErrorField(result, LibPQField.severity)
            else { return }
            let level = String(cString: severity)
            if level == "FATAL" || level == "PANIC" {
                argument.assumingMemoryBound(to: Bool.self).pointee = true
            }
        }, UnsafeMutableRawPointer(fatalNoticeFlag))
        pointer = connection
        return PQgetCancel(connection).map(CancelToken.init)
    }

    func finish() {
        if let pointer { PQfinish(pointer) }
        pointer = nil
    }

    // MARK: State

    /// Whether an idle connection still looks alive: reads whatever the server sent while it
    /// was idle (non-blocking) and checks for a closed socket or a session-ending message.
    func looksAliveWhenIdle() -> Bool {
        guard let pointer else { return false }
        if PQconsumeInput(pointer) == 0 { return false }
        // PQconsumeInput only buffers; PQisBusy parses, which hands an unsolicited error
        // (the FATAL the server sends before ending the session) to the notice receiver.
        _ = PQisBusy(pointer)
        return !fatalNoticeFlag.pointee && PQstatus(pointer) == CONNECTION_OK
    }

    var isBad: Bool {
        guard let pointer else { return true }
        return fatalNoticeFlag.pointee || PQstatus(pointer) != CONNECTION_OK
    }

    var transactionStatus: PGTransactionStatusType {
        guard let pointer else { return PQTRANS_UNKNOWN }
        return PQtransactionStatus(pointer)
    }

    var backendPID: Int32 {
        guard let pointer else { return 0 }
        return PQbackendPID(pointer)
    }

    // MARK: Statements

    /// One statement with parameters (extended protocol, text format). Blocks.
    func execute(_ sql: String, values: [String?], types: [UInt32]) throws -> QueryResult {
        let connection = try open(sql)
        let copies: [UnsafeMutablePointer<CChar>?] = values.map { $0.map { strdup($0) } }
        defer { copies.forEach { free($0) } }
        let valuePointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
        let types: [Oid] = types
        let result = PQexecParams(connection, sql, Int32(values.count), types, valuePointers, nil, nil, 0)
        return try consume(result, connection: connection, sql: sql)
    }

    /// Statements without parameters, possibly several separated by `;` (simple protocol). Blocks.
    func executeScript(_ sql: String) throws -> QueryResult {
        let connection = try open(sql)
        return try consume(PQexec(connection, sql), connection: connection, sql: sql)
    }

    private func open(_ sql: String) throws -> OpaquePointer {
        guard let pointer else {
            throw PostgresError(kind: .closed, message: "connection is closed", sql: sql)
        }
        return pointer
    }

    private func consume(_ result: OpaquePointer?, connection: OpaquePointer, sql: String) throws -> QueryResult {
        guard let result else {
            throw PostgresError(
                kind: PQstatus(connection) == CONNECTION_OK ? .statement : .connectionLost,
                message: Self.trimmed(PQerrorMessage(connection)) ?? "no result from libpq",
                sql: sql
            )
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        switch status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return Self.copy(result)
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR, PGRES_BAD_RESPONSE:
            let lost = PQstatus(connection) != CONNECTION_OK
            func field(_ code: Int32) -> String? {
                PQresultErrorField(result, code).map { String(cString: $0) }
            }
            let message = field(LibPQField.primaryMessage)
                ?? Self.trimmed(PQresultErrorMessage(result))
                ?? Self.trimmed(PQerrorMessage(connection))
                ?? "statement failed"
            throw PostgresError(
                kind: lost ? .connectionLost : .statement,
                sqlState: field(LibPQField.sqlState),
                message: message,
                detail: field(LibPQField.detail),
                hint: field(LibPQField.hint),
                constraint: field(LibPQField.constraint),
                sql: sql
            )
        default:
            // COPY and the like leave the connection mid-protocol: the caller discards it.
            throw PostgresError(
                kind: .unsupported,
                message: "unsupported result status \(String(cString: PQresStatus(status)))",
                sql: sql
            )
        }
    }

    private static func copy(_ result: OpaquePointer) -> QueryResult {
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        let layout = ColumnLayout(names: (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) })
        var rows: [PostgresRow] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<Int32(rowCount) {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<Int32(columnCount) {
                values.append(
                    PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
                )
            }
            rows.append(PostgresRow(layout: layout, values: values))
        }
        let affected = PQcmdTuples(result).map { Int(String(cString: $0)) ?? 0 } ?? 0
        let tag = PQcmdStatus(result).map { String(cString: $0) } ?? ""
        return QueryResult(layout: layout, rows: rows, affectedRows: affected, commandTag: tag)
    }

    static func trimmed(_ text: UnsafePointer<CChar>?) -> String? {
        guard let text else { return nil }
        let string = String(cString: text)
        let trimmed = string.split(whereSeparator: \.isNewline)
            .map { $0.trimmingPrefix(while: \.isWhitespace) }
            .joined(separator: "; ")
        return trimmed.isEmpty ? nil : trimmed
    }
}

/// libpq's `PG_DIAG_*` field codes (character macros, which Swift does not import).
enum LibPQField {
    static let severity = Int32(UInt8(ascii: "V"))
    static let sqlState = Int32(UInt8(ascii: "C"))
    static let primaryMessage = Int32(UInt8(ascii: "M"))
    static let detail = Int32(UInt8(ascii: "D"))
    static let hint = Int32(UInt8(ascii: "H"))
    static let constraint = Int32(UInt8(ascii: "n"))
}

/// libpq's `PGcancel`: asks the server to cancel whatever the connection is running.
///
/// Why `@unchecked Sendable` is safe: a `PGcancel` is immutable after `PQgetCancel` and
/// libpq documents `PQcancel` as safe to call from any thread, concurrently with the
/// connection's own use; it is freed in `deinit`, after the last user let go of it.
final class CancelToken: @unchecked Sendable {
    private let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        PQfreeCancel(pointer)
    }

    /// Sends the cancel request (opens a short connection to the server; blocks). Best effort.
    func send() {
        var buffer = [CChar](repeating: 0, count: 256)
        _ = PQcancel(pointer, &buffer, Int32(buffer.count))
    }
}
