import CLibPQ
import Config
import Dispatch
import Logging
import Synchronization

/// One PostgreSQL connection (libpq). Usually leased from a `PostgresPool`; it belongs to one
/// user at a time (calls from several tasks at once are serialised, not interleaved).
///
/// Every blocking libpq call runs on the connection's own serial DispatchQueue, never on
/// Swift's cooperative pool; callers await it. Cancelling the awaiting task returns
/// `CancellationError` at once, asks the server to cancel the statement, and marks the
/// connection unusable (the pool then discards it): its queue may still be blocked.
///
/// Statements take their values as parameters only (`$1`, `$2`, ...); values are never
/// spliced into SQL text.
public final class PostgresConnection: Sendable {
    private let handle: LibPQHandle
    private let logger: Logger
    private let state = Mutex(State())
    private let cancelToken = Mutex<CancelToken?>(nil)
    /// For log lines: which connection this is.
    public let label: String

    private struct State {
        var closed = false
        /// A job was abandoned by cancellation and may still occupy the queue.
        var abandoned = false
        /// The connection broke, or was left in a state Keel cannot recover (e.g. a COPY).
        var broken = false
        var transaction: PGTransactionStatusType = PQTRANS_IDLE
        var backendPID: Int32 = 0
    }

    private init(label: String, logger: Logger) {
        self.label = label
        self.handle = LibPQHandle(label: "keel.store.\(label)")
        var logger = logger
        logger[metadataKey: "postgres.connection"] = "\(label)"
        self.logger = logger
    }

    /// Opens a connection. Fails with `.connectionFailed` (after at most `connectTimeoutSeconds`
    /// per address) when the server is unreachable or refuses the login.
    public static func connect(
        config: PostgresConfig,
        applicationName: String = "keel",
        label: String = "conn",
        logger: Logger = Logger(label: "keel.store")
    ) async throws -> PostgresConnection {
        let connection = PostgresConnection(label: label, logger: logger)
        let token = try await connection.run(checkOpen: false) { handle in
            try handle.connect(config, applicationName: applicationName)
        }
        connection.cancelToken.withLock { $0 = token }
        connection.logger.debug(
            "connected to PostgreSQL",
            metadata: [
                "postgres.host": "\(config.host)", "postgres.port": "\(config.port)",
                "postgres.database": "\(config.database)", "postgres.user": "\(config.user)",
                "postgres.backend_pid": "\(connection.backendPID)",
            ]
        )
        return connection
    }

    // MARK: Statements

    /// Runs one statement with parameters `$1...$n` (text format; nil is NULL) and returns its rows.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [PostgresValue?] = []) async throws -> QueryResult {
        var values: [String?] = []
        var types: [UInt32] = []
        values.reserveCapacity(parameters.count)
        types.reserveCapacity(parameters.count)
        for (position, parameter) in parameters.enumerated() {
            guard let parameter else {
                values.append(nil)
                types.append(0)
                continue
            }
            let text = parameter.postgresText
            guard !text.utf8.contains(0) else {
                throw PostgresError(
                    kind: .invalidParameter,
                    message: "parameter $\(position + 1) contains a NUL byte, which PostgreSQL text cannot hold",
                    sql: sql
                )
            }
            values.append(text)
            types.append(type(of: parameter).postgresTypeOID)
        }
        logger.trace("execute", metadata: ["sql": "\(PostgresError.abbreviated(sql))"])
        return try await run { [values, types] handle in try handle.execute(sql, values: values, types: types) }
    }

    /// Runs SQL without parameters that may hold several statements separated by `;` (the
    /// simple query protocol), e.g. a migration's DDL. Only for constant SQL written in code:
    /// anything carrying a value goes through `execute(_:_:)`.
    @discardableResult
    public func executeScript(_ sql: String) async throws -> QueryResult {
        logger.trace("execute script", metadata: ["sql": "\(PostgresError.abbreviated(sql))"])
        return try await run { handle in try handle.executeScript(sql) }
    }

    /// Runs `body` inside `BEGIN` ... `COMMIT`. If `body` (or `COMMIT`) throws, the transaction
    /// is rolled back and the error rethrown; if even `ROLLBACK` fails, the connection is marked
    /// unusable so the pool closes it (which makes the server roll back).
    public func withTransaction<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        guard transactionStatus == PQTRANS_IDLE else {
            throw PostgresError(kind: .statement, message: "withTransaction called inside a transaction (nesting is not supported)")
        }
        try await execute("BEGIN")
        do {
            let result = try await body(self)
            try await execute("COMMIT")
            return result
        } catch {
            do {
                try await execute("ROLLBACK")
            } catch {
                logger.warning("ROLLBACK failed; discarding the connection", metadata: ["error": "\(error)"])
                markBroken()
            }
            throw error
        }
    }

    // MARK: State

    /// The server process serving this connection (`pg_backend_pid()`).
    public var backendPID: Int32 { state.withLock { $0.backendPID } }

    /// False once the connection is closed, broke, was left mid-statement by a cancelled task,
    /// or was left inside a transaction: such a connection must not be handed out again.
    public var isReusable: Bool {
        state.withLock { !$0.closed && !$0.abandoned && !$0.broken && $0.transaction == PQTRANS_IDLE }
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    var transactionStatus: PGTransactionStatusType { state.withLock { $0.transaction } }

    /// Makes `isReusable` false, so a pool closes the connection instead of reusing it.
    public func markBroken() {
        state.withLock { $0.broken = true }
    }

    /// Cheap liveness check for a connection that sits idle in a pool: reads (without blocking)
    /// whatever the server sent meanwhile, such as the notice it sends before terminating the
    /// session. No round trip. Only for reusable connections, whose queue is idle: `sync` then
    /// returns within microseconds.
    func looksAliveWhenIdle() -> Bool {
        guard isReusable else { return false }
        let alive = handle.queue.sync { handle.looksAliveWhenIdle() }
        if !alive { markBroken() }
        return alive
    }

    /// Closes the connection. Returns at once; the socket closes once any abandoned job on the
    /// queue has finished.
    public func close() {
        let wasClosed = state.withLock { state -> Bool in
            defer { state.closed = true }
            return state.closed
        }
        guard !wasClosed else { return }
        handle.queue.async { [handle] in handle.finish() }
        cancelToken.withLock { $0 = nil }
    }

    // MARK: Running jobs on the queue

    private func run<Value: Sendable>(
        checkOpen: Bool = true,
        _ job: @escaping @Sendable (LibPQHandle) throws -> Value
    ) async throws -> Value {
        if checkOpen, isClosed {
            throw PostgresError(kind: .closed, message: "connection \(label) is closed")
        }
        let call = PendingCall<Value>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                guard call.start(continuation) else { return }
                handle.queue.async { [handle, self] in
                    let result = Result { try job(handle) }
                    self.recordState(after: result)
                    call.finish(result)
                }
            }
        } onCancel: {
            guard call.cancel() else { return }
            state.withLock { $0.abandoned = true }
            logger.debug("statement cancelled; the connection will be discarded")
            if let token = cancelToken.withLock({ $0 }) {
                DispatchQueue.global().async { token.send() }
            }
        }
    }

    /// On the queue, after each job: remember what the pool needs to decide about reuse.
    private func recordState<Value>(after result: Result<Value, any Error>) {
        let bad = handle.isBad
        let transaction = handle.transactionStatus
        let pid = handle.backendPID
        var lost = bad && handle.isOpen
        if case .failure(let error as PostgresError) = result {
            if error.kind == .connectionLost { lost = true }
            if error.kind == .unsupported { markBroken() }
        }
        state.withLock {
            if bad { $0.broken = true }
            $0.transaction = transaction
            if pid != 0 { $0.backendPID = pid }
        }
        if lost {
            logger.warning("PostgreSQL connection lost; it will be replaced")
        }
    }
}
