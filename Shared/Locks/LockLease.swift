/// Proof of holding the lock on one symbol, returned by `SymbolLocks.acquire`.
///
/// Pass `fencingToken` with every write the lock protects (for example store it with the
/// order) so the resource can reject a holder whose lease silently expired: tokens for a symbol
/// only ever increase. Copies of a lease are interchangeable: release and extend match on the
/// random `token`.
public struct LockLease: Sendable, Hashable, CustomStringConvertible {
    public let symbol: String
    /// Random 128-bit value (hex) identifying this holder; only its holder knows it.
    public let token: String
    /// Strictly increasing per symbol, across holders and across Redis wipes.
    public let fencingToken: Int64
    /// Conservative local estimate of when Redis drops the lock: measured on this process's
    /// monotonic clock from just *before* the acquire/extend request was sent.
    public internal(set) var expiresAt: ContinuousClock.Instant

    public var isExpired: Bool { ContinuousClock.now >= expiresAt }
    /// Time left before `expiresAt` (zero once expired).
    public var remaining: Duration { max(expiresAt - ContinuousClock.now, .zero) }

    public var description: String { "LockLease(\(symbol), fence \(fencingToken))" }
}
