public enum LockError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Symbols must be 1–64 printable ASCII characters without spaces or braces (the braces
    /// delimit the Redis Cluster hash tag in the key).
    case invalidSymbol(String)
    /// TTLs must be at least one millisecond.
    case invalidTTL(Duration)
    /// `withLock` could not get the lock within the allowed wait.
    case notAcquired(symbol: String, waited: Duration)

    public var description: String {
        switch self {
        case .invalidSymbol(let symbol):
            "invalid lock symbol \(symbol.debugDescription): use 1-64 printable ASCII characters without spaces or braces"
        case .invalidTTL(let ttl):
            "invalid lock TTL \(ttl): must be at least 1 ms"
        case let .notAcquired(symbol, waited):
            "lock on \(symbol) is held by someone else (waited \(waited))"
        }
    }
}
