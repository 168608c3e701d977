/// Why a Redis call failed. Messages name the endpoint and the cause; they never contain the
/// password or command arguments (only the command name).
public enum RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No TCP connection could be made (refused, unreachable, connect timeout).
    case connectFailed(endpoint: String, reason: String)
    /// `AUTH` was rejected.
    case authenticationFailed(endpoint: String, message: String)
    /// `SELECT` was rejected (database index out of range).
    case selectFailed(endpoint: String, database: Int, message: String)
    /// The connection broke (I/O error, EOF) while a command was in flight: the command may or
    /// may not have run. The connection reconnects on the next command.
    case connectionLost(endpoint: String, reason: String)
    /// No reply within the command timeout: the command may or may not have run. The connection
    /// is dropped (a late reply would desynchronise it) and reconnects on the next command.
    case timeout(endpoint: String, after: Duration)
    /// The previous reconnect attempt failed and the backoff delay has not elapsed yet; the
    /// command was not sent.
    case reconnectBackingOff(endpoint: String, retryIn: Duration, lastError: String)
    /// Redis answered with an error reply (`WRONGTYPE ...`, `NOSCRIPT ...`, ...).
    case server(message: String)
    /// hiredis could not parse what the server sent.
    case protocolError(String)
    /// A reply of a shape the caller did not expect.
    case unexpectedReply(command: String, reply: String)
    /// `close()` was called.
    case closed(endpoint: String)

    public var description: String {
        switch self {
        case let .connectFailed(endpoint, reason):
            "cannot connect to Redis at \(endpoint): \(reason)"
        case let .authenticationFailed(endpoint, message):
            "Redis at \(endpoint) rejected AUTH: \(message)"
        case let .selectFailed(endpoint, database, message):
            "Redis at \(endpoint) rejected SELECT \(database): \(message)"
        case let .connectionLost(endpoint, reason):
            "connection to Redis at \(endpoint) lost during a command (it may or may not have run): \(reason)"
        case let .timeout(endpoint, after):
            "Redis at \(endpoint) did not answer within \(after) (the command may or may not have run)"
        case let .reconnectBackingOff(endpoint, retryIn, lastError):
            "Redis at \(endpoint) is unavailable; next reconnect attempt in \(retryIn) (last error: \(lastError))"
        case let .server(message):
            "Redis error: \(message)"
        case let .protocolError(message):
            "Redis protocol error: \(message)"
        case let .unexpectedReply(command, reply):
            "unexpected Redis reply to \(command): \(reply)"
        case let .closed(endpoint):
            "connection to Redis at \(endpoint) is closed"
        }
    }
}
