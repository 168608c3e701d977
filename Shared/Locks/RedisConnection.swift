import Config
import Core
import Dispatch
import Logging

/// One Redis connection with an `async` API, safe to share between tasks.
///
/// hiredis is blocking and its context is not thread-safe, so every call runs on this
/// connection's own serial dispatch queue — never on Swift's cooperative thread pool — and
/// commands from concurrent tasks are sent one after another. For parallelism, open more
/// connections.
///
/// Reconnection: a connection the server closed while idle (`CLIENT KILL`, idle timeout,
/// restart) is noticed before the next command is written, so that command goes out on a fresh
/// connection and succeeds. A connection that breaks *during* a command throws
/// `RedisError.connectionLost` or `.timeout` (the command may have run: it is never resent) and
/// the next command reconnects. After a failed connection attempt, commands fail fast with
/// `RedisError.reconnectBackingOff` until the backoff delay (exponential, capped) has passed.
public final class RedisConnection: @unchecked Sendable {
    // @unchecked Sendable: the mutable state below (`context`, `failedAttempts`, `nextAttempt`,
    // `lastConnectError`, `isClosed`, `hasConnected`) is read and written only on `queue`,
    // a serial queue, so no two threads ever touch it at once. The rest is immutable.

    public struct Options: Sendable, Equatable {
        /// How long a command may wait for its reply before the connection is dropped.
        public var commandTimeout: Duration
        /// Wait between failed connection attempts.
        public var reconnectBackoff: Backoff

        public init(commandTimeout: Duration = .seconds(2), reconnectBackoff: Backoff = Backoff()) {
            self.commandTimeout = commandTimeout
            self.reconnectBackoff = reconnectBackoff
        }
    }

    public let config: RedisConfig
    public let options: Options
    /// `host:port/db`, for messages.
    public let endpoint: String
    private let logger: Logger
    private let queue: DispatchQueue

    private var context: HiredisContext?
    private var failedAttempts = 0
    private var nextAttempt: ContinuousClock.Instant?
    private var lastConnectError: RedisError?
    private var isClosed = false
    private var hasConnected = false

    /// Creates a connection that connects on its first command. Prefer `connect(...)`, which
    /// fails at start-up when Redis is unreachable or rejects the password.
    public init(config: RedisConfig, options: Options = Options(), logger: Logger) {
        self.config = config
        self.options = options
        self.endpoint = "\(config.host):\(config.port)/\(config.database)"
        self.logger = logger
        self.queue = DispatchQueue(label: "keel.redis.\(config.host):\(config.port)")
    }

    /// Connects, authenticates and selects the database now, throwing if any step fails.
    public static func connect(config: RedisConfig, options: Options = Options(), logger: Logger) async throws -> RedisConnection {
        let connection = RedisConnection(config: config, options: options, logger: logger)
        try await connection.onQueue { () throws(RedisError) in _ = try connection.liveContext() }
        return connection
    }

    /// Sends one command and returns its reply. A top-level error reply throws
    /// `RedisError.server`; connection problems throw the other `RedisError` cases.
    public func send(_ arguments: [String]) async throws -> RedisReply {
        try await send(bytes: arguments.map { Array($0.utf8) })
    }

    public func send(_ arguments: String...) async throws -> RedisReply {
        try await send(arguments)
    }

    /// Binary-safe form of `send`: each argument is sent with its exact length.
    public func send(bytes arguments: [[UInt8]]) async throws -> RedisReply {
        precondition(!arguments.isEmpty, "a Redis command needs a name")
        return try await onQueue { () throws(RedisError) in try self.execute(arguments) }
    }

    /// Closes the TCP connection; later commands throw `RedisError.closed`.
    public func close() async {
        try? await onQueue { () throws(RedisError) in
            self.isClosed = true
            self.context = nil
        }
    }

    // MARK: - On the queue

    private func onQueue<T: Sendable>(_ work: @escaping @Sendable () throws(RedisError) -> T) async throws(RedisError) -> T {
        let result: Result<T, RedisError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(RedisError) in try work() })
            }
        }
        return try result.get()
    }

    private func execute(_ arguments: [[UInt8]]) throws(RedisError) -> RedisReply {
        dispatchPrecondition(condition: .onQueue(queue))
        let context = try liveContext()
        let reply: RedisReply
        do {
            reply = try context.command(arguments)
        } catch {
            if context.isBroken {
                self.context = nil
                logger.warning("Redis connection dropped; reconnecting on the next command", metadata: [
                    "redis": "\(endpoint)", "error": "\(error)",
                ])
            }
            throw error
        }
        if case .error(let message) = reply { throw .server(message: message) }
        return reply
    }

    /// The open context, reconnecting first if there is none or the server closed it.
    private func liveContext() throws(RedisError) -> HiredisContext {
        if isClosed { throw .closed(endpoint: endpoint) }
        if let context {
            if !context.isClosedByPeer() { return context }
            self.context = nil
            logger.info("Redis closed the idle connection; reconnecting", metadata: ["redis": "\(endpoint)"])
        }
        if let nextAttempt, ContinuousClock.now < nextAttempt {
            throw .reconnectBackingOff(
                endpoint: endpoint,
                retryIn: nextAttempt - ContinuousClock.now,
                lastError: lastConnectError.map { "\($0)" } ?? "unknown"
            )
        }
        do {
            let context = try open()
            self.context = context
            if hasConnected {
                logger.info("Reconnected to Redis", metadata: ["redis": "\(endpoint)", "failedAttempts": "\(failedAttempts)"])
            } else {
                logger.debug("Connected to Redis", metadata: ["redis": "\(endpoint)"])
            }
            hasConnected = true
            failedAttempts = 0
            nextAttempt = nil
            lastConnectError = nil
            return context
        } catch {
            failedAttempts += 1
            let delay = options.reconnectBackoff.delay(afterFailures: failedAttempts)
            nextAttempt = ContinuousClock.now + delay
            lastConnectError = error
            logger.warning("Cannot connect to Redis", metadata: [
                "redis": "\(endpoint)", "error": "\(error)", "failedAttempts": "\(failedAttempts)", "retryIn": "\(delay)",
            ])
            throw error
        }
    }

    private func open() throws(RedisError) -> HiredisContext {
        let context = try HiredisContext.connect(
            host: config.host,
            port: config.port,
            timeout: .milliseconds(max(config.connectTimeoutMs, 1)),
            endpoint: endpoint
        )
        try context.setCommandTimeout(options.commandTimeout)
        if let password = config.password {
            if case .error(let message) = try context.command([Array("AUTH".utf8), Array(password.value.utf8)]) {
                throw .authenticationFailed(endpoint: endpoint, message: message)
            }
        }
        if config.database != 0 {
            if case .error(let message) = try context.command([Array("SELECT".utf8), Array(String(config.database).utf8)]) {
                throw .selectFailed(endpoint: endpoint, database: config.database, message: message)
            }
        }
        return context
    }
}
