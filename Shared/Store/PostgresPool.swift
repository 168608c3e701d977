import Config
import Core
import Logging

/// A fixed-size pool of PostgreSQL connections, opened lazily.
///
/// * At most `config.poolSize` connections exist; when all are busy, callers wait in FIFO order.
/// * A connection that broke (lost socket, server-side termination, a task cancelled mid-
///   statement, left inside a transaction) is closed when handed back, and an idle connection
///   is checked (without a round trip) before it is handed out; a replacement is opened on
///   demand. A statement that fails because its connection broke is *not* retried: the error
///   (kind `.connectionLost`) reaches the caller, since the statement may have taken effect.
/// * Connection attempts after failures back off exponentially (`Backoff`), shared by
///   everyone using the pool; each caller makes at most one attempt and gets its error.
public actor PostgresPool {
    public nonisolated let config: PostgresConfig
    private nonisolated let applicationName: String
    private nonisolated let backoff: Backoff
    private nonisolated let logger: Logger

    private enum Grant: Sendable {
        case connection(PostgresConnection)
        /// A slot in the pool: the waiter opens its own connection.
        case slot
    }

    private var idle: [PostgresConnection] = []
    /// Connections leased, idle, or being opened.
    private var open = 0
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Grant, any Error>)] = []
    private var nextWaiterID: UInt64 = 0
    private var nextConnectionNumber = 0
    private var closed = false
    private var consecutiveConnectFailures = 0
    private var nextConnectAllowed: ContinuousClock.Instant?

    public init(
        config: PostgresConfig,
        applicationName: String = "keel",
        backoff: Backoff = Backoff(),
        logger: Logger = Logger(label: "keel.store")
    ) {
        self.config = config
        self.applicationName = applicationName
        self.backoff = backoff
        var logger = logger
        logger[metadataKey: "postgres.database"] = "\(config.database)"
        self.logger = logger
    }

    private var capacity: Int { max(1, config.poolSize) }

    // MARK: Public API

    /// Leases a connection for the duration of `body` (which runs in the caller's isolation).
    /// The connection goes back to the pool afterwards, or is closed if it is no longer usable.
    public func withConnection<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let connection = try await acquire()
        let result: Result
        do {
            result = try await body(connection)
        } catch {
            await release(connection)
            throw error
        }
        await release(connection)
        return result
    }

    /// `withConnection` plus `BEGIN`/`COMMIT`; rolls back and rethrows if `body` throws.
    public func withTransaction<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withConnection(isolation: isolation) { connection in
            try await connection.withTransaction(isolation: isolation, body)
        }
    }

    /// Runs one parameterised statement on any pooled connection.
    @discardableResult
    public nonisolated func execute(_ sql: String, _ parameters: [PostgresValue?] = []) async throws -> QueryResult {
        try await withConnection { connection in try await connection.execute(sql, parameters) }
    }

    /// Readiness check: `select 1` through the pool, failing (kind `.timeout`, or the connect
    /// error) within `timeout` however the server misbehaves.
    public nonisolated func ping(timeout: Duration = .seconds(2)) async throws {
        _ = try await withDeadline(timeout, "PostgreSQL ping") {
            try await self.execute("select 1")
        }
    }

    /// Closes idle connections now and leased ones when they come back; fails waiting callers.
    /// Later calls fail with kind `.closed`.
    public func close() {
        guard !closed else { return }
        closed = true
        let waiting = waiters
        waiters.removeAll()
        for waiter in waiting {
            waiter.continuation.resume(throwing: Self.closedError)
        }
        for connection in idle {
            connection.close()
        }
        open -= idle.count
        idle.removeAll()
        logger.debug("pool closed")
    }

    /// Connections currently open or being opened, and callers waiting for one.
    public var statistics: (open: Int, idle: Int, waiting: Int) { (open, idle.count, waiters.count) }

    // MARK: Leasing

    private static let closedError = PostgresError(kind: .closed, message: "the connection pool is closed")

    private func acquire() async throws -> PostgresConnection {
        guard !closed else { throw Self.closedError }
        try Task.checkCancellation()
        if waiters.isEmpty, let connection = idle.popLast() {
            return try await validated(connection)
        }
        if waiters.isEmpty, open < capacity {
            open += 1
            return try await connectInReservedSlot()
        }
        switch try await waitForGrant() {
        case .connection(let connection):
            return try await validated(connection)
        case .slot:
            return try await connectInReservedSlot()
        }
    }

    /// An idle connection whose server session ended is replaced in the same slot.
    private func validated(_ connection: PostgresConnection) async throws -> PostgresConnection {
        if connection.looksAliveWhenIdle() { return connection }
        logger.info("idle PostgreSQL connection was closed by the server; reconnecting", metadata: ["postgres.connection": "\(connection.label)"])
        connection.close()
        return try await connectInReservedSlot()
    }

    private func release(_ connection: PostgresConnection) {
        guard !closed, connection.isReusable else {
            connection.close()
            freeSlot()
            return
        }
        if !waiters.isEmpty {
            waiters.removeFirst().continuation.resume(returning: .connection(connection))
        } else {
            idle.append(connection)
        }
    }

    /// A slot was given up: hand it to the first waiter, who will open a connection.
    private func freeSlot() {
        open -= 1
        if !closed, !waiters.isEmpty, open < capacity {
            open += 1
            waiters.removeFirst().continuation.resume(returning: .slot)
        }
    }

    private func waitForGrant() async throws -> Grant {
        let id = nextWaiterID
        nextWaiterID += 1
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Grant, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiters.append((id, continuation))
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func cancelWaiter(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }

    // MARK: Connecting

    /// Opens a connection in a slot already counted in `open`; gives the slot up on failure.
    private func connectInReservedSlot() async throws -> PostgresConnection {
        do {
            if let notBefore = nextConnectAllowed, notBefore > .now {
                try await Task.sleep(until: notBefore, clock: .continuous)
            }
            nextConnectionNumber += 1
            let connection = try await PostgresConnection.connect(
                config: config,
                applicationName: applicationName,
                label: "\(config.database)#\(nextConnectionNumber)",
                logger: logger
            )
            if consecutiveConnectFailures > 0 {
                logger.info("PostgreSQL connection re-established", metadata: ["postgres.failed_attempts": "\(consecutiveConnectFailures)"])
            }
            consecutiveConnectFailures = 0
            nextConnectAllowed = nil
            guard !closed else {
                connection.close()
                throw Self.closedError
            }
            return connection
        } catch {
            if let error = error as? PostgresError, error.kind == .connectionFailed {
                consecutiveConnectFailures += 1
                let delay = backoff.delay(afterFailures: consecutiveConnectFailures)
                nextConnectAllowed = .now + delay
                logger.warning(
                    "cannot connect to PostgreSQL; backing off",
                    metadata: [
                        "error": "\(error)",
                        "postgres.failed_attempts": "\(consecutiveConnectFailures)",
                        "postgres.next_attempt_in": "\(delay)",
                    ]
                )
            }
            freeSlot()
            throw error
        }
    }
}
