import Logging

/// Per-symbol mutual exclusion with fencing tokens, on one Redis.
///
/// The lock for `BTCUSDT` is the key `keel:lock:{BTCUSDT}` holding the holder's random token
/// with a TTL; its fencing counter is `keel:fence:{BTCUSDT}`. The braces are a Redis Cluster
/// hash tag, so both keys of a symbol live in one slot and the scripts stay atomic there.
///
/// This is a single-Redis lock: it is as available as that Redis, and a failover to a replica
/// that missed the latest write can let two holders overlap. The fencing token is what makes
/// that safe: whatever the lock protects must reject writes carrying an older token.
public final class SymbolLocks: Sendable {
    public let connection: RedisConnection
    /// First part of every key, to separate deployments sharing a Redis.
    public let keyPrefix: String
    private let logger: Logger

    public init(connection: RedisConnection, keyPrefix: String = "keel", logger: Logger) {
        self.connection = connection
        self.keyPrefix = keyPrefix
        self.logger = logger
    }

    public func lockKey(for symbol: String) -> String { "\(keyPrefix):lock:{\(symbol)}" }
    public func fenceKey(for symbol: String) -> String { "\(keyPrefix):fence:{\(symbol)}" }

    /// Takes the lock once, without waiting. Returns nil when someone else holds it.
    /// If this throws `connectionLost` or `timeout`, the lock may have been taken for a lease
    /// nobody knows: it stays held until `ttl` runs out, so keep TTLs short and extend.
    public func acquire(symbol: String, ttl: Duration) async throws -> LockLease? {
        try Self.validate(symbol: symbol)
        let ttlMs = try Self.milliseconds(ttl)
        let token = LockToken.random()
        let sentAt = ContinuousClock.now
        let reply = try await connection.evaluate(
            LockScripts.acquire,
            keys: [lockKey(for: symbol), fenceKey(for: symbol)],
            arguments: [token, String(ttlMs)]
        )
        switch reply {
        case .null:
            return nil
        case .integer(let fence):
            logger.debug("Acquired lock", metadata: ["symbol": "\(symbol)", "fence": "\(fence)", "ttlMs": "\(ttlMs)"])
            return LockLease(symbol: symbol, token: token, fencingToken: fence, expiresAt: sentAt + .milliseconds(ttlMs))
        default:
            throw RedisError.unexpectedReply(command: "acquire script", reply: "\(reply)")
        }
    }

    /// Takes the lock, retrying with a short jittered backoff (2 ms doubling to 50 ms) until
    /// `waitUpTo` has passed. Returns nil if it is still held by someone else by then.
    /// Redis errors are thrown at once, not retried; cancelling the task throws
    /// `CancellationError` during a backoff sleep.
    public func acquire(symbol: String, ttl: Duration, waitUpTo: Duration) async throws -> LockLease? {
        let deadline = ContinuousClock.now + waitUpTo
        var delay = Duration.milliseconds(2)
        while true {
            if let lease = try await acquire(symbol: symbol, ttl: ttl) { return lease }
            let left = deadline - ContinuousClock.now
            if left <= .zero { return nil }
            try await Task.sleep(for: min(delay * Double.random(in: 0.5...1.0), left))
            delay = min(delay * 2, .milliseconds(50))
        }
    }

    /// Releases the lock if this lease still holds it. Returns false if the lease had been
    /// lost (expired, possibly taken by someone else): the current holder is left untouched.
    @discardableResult
    public func release(_ lease: LockLease) async throws -> Bool {
        let reply = try await connection.evaluate(LockScripts.release, keys: [lockKey(for: lease.symbol)], arguments: [lease.token])
        let released = try Self.flag(reply, "release script")
        if released {
            logger.debug("Released lock", metadata: ["symbol": "\(lease.symbol)", "fence": "\(lease.fencingToken)"])
        } else {
            logger.warning("Lock lease was already lost at release", metadata: ["symbol": "\(lease.symbol)", "fence": "\(lease.fencingToken)"])
        }
        return released
    }

    /// Resets the lease's TTL to `ttl` from now if it still holds the lock, and moves
    /// `lease.expiresAt` accordingly. Returns false if the lease had been lost.
    @discardableResult
    public func extend(_ lease: inout LockLease, ttl: Duration) async throws -> Bool {
        let ttlMs = try Self.milliseconds(ttl)
        let sentAt = ContinuousClock.now
        let reply = try await connection.evaluate(
            LockScripts.extend,
            keys: [lockKey(for: lease.symbol)],
            arguments: [lease.token, String(ttlMs)]
        )
        let extended = try Self.flag(reply, "extend script")
        if extended {
            lease.expiresAt = sentAt + .milliseconds(ttlMs)
        } else {
            logger.warning("Lock lease was lost before extend", metadata: ["symbol": "\(lease.symbol)", "fence": "\(lease.fencingToken)"])
        }
        return extended
    }

    /// Runs `body` holding the lock on `symbol`, then releases it whether `body` returns or
    /// throws (also when the task is cancelled). Throws `LockError.notAcquired` if the lock is
    /// not free within `waitUpTo`.
    ///
    /// `body` should finish well within `ttl` (or extend a copy of the lease). If the lease
    /// turns out to have been lost when releasing, `body`'s result is still returned — its
    /// effects have happened — and an error is logged; the fencing token is what protects the
    /// resource. If the release itself fails (Redis down), the lock expires after `ttl`.
    public func withLock<T>(
        symbol: String,
        ttl: Duration,
        waitUpTo: Duration = .zero,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (LockLease) async throws -> T
    ) async throws -> T {
        let lease = waitUpTo > .zero
            ? try await acquire(symbol: symbol, ttl: ttl, waitUpTo: waitUpTo)
            : try await acquire(symbol: symbol, ttl: ttl)
        guard let lease else { throw LockError.notAcquired(symbol: symbol, waited: waitUpTo) }
        let result: T
        do {
            result = try await body(lease)
        } catch {
            await releaseAfterBody(lease)
            throw error
        }
        await releaseAfterBody(lease)
        return result
    }

    private func releaseAfterBody(_ lease: LockLease) async {
        do {
            if try await release(lease) == false {
                logger.error("Lock lease expired while its holder was still working; another holder may have overlapped", metadata: [
                    "symbol": "\(lease.symbol)", "fence": "\(lease.fencingToken)",
                ])
            }
        } catch {
            logger.error("Cannot release lock; it will expire by its TTL", metadata: [
                "symbol": "\(lease.symbol)", "fence": "\(lease.fencingToken)", "error": "\(error)",
            ])
        }
    }

    // MARK: - Validation

    static func validate(symbol: String) throws(LockError) {
        let valid = !symbol.isEmpty && symbol.utf8.count <= 64
            && symbol.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "{") && $0 != UInt8(ascii: "}") }
        if !valid { throw .invalidSymbol(symbol) }
    }

    static func milliseconds(_ ttl: Duration) throws(LockError) -> Int64 {
        let ms = ttl.wholeMilliseconds
        if ms < 1 { throw .invalidTTL(ttl) }
        return ms
    }

    private static func flag(_ reply: RedisReply, _ command: String) throws -> Bool {
        switch reply {
        case .integer(1): true
        case .integer(0): false
        default: throw RedisError.unexpectedReply(command: command, reply: "\(reply)")
        }
    }
}
