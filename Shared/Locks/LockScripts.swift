/// The Lua scripts behind `SymbolLocks`. Each runs atomically on the Redis server.
enum LockScripts {
    /// KEYS[1] lock key, KEYS[2] fencing-counter key; ARGV[1] token, ARGV[2] TTL in ms.
    /// Returns the new fencing token, or nil when someone else holds the lock.
    ///
    /// The fencing counter must never go backwards, even if Redis loses it (restart without
    /// persistence, FLUSHDB, failover to a replica that missed writes). So a missing counter is
    /// seeded from the server clock in microseconds since the epoch before INCR. Any token
    /// issued before the wipe came from a seed taken earlier plus one per acquisition, so it is
    /// below the new seed as long as (a) the Redis server clock does not go backwards and
    /// (b) a symbol sees fewer than one acquisition per microsecond on average — both hold in
    /// practice. Microseconds (~1.8e15) are exact in Lua's doubles (< 2^53).
    /// TIME is allowed here because Redis 5+ replicates scripts by their effects.
    static let acquire = RedisScript("""
        if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
          return false
        end
        if redis.call('EXISTS', KEYS[2]) == 0 then
          local now = redis.call('TIME')
          redis.call('SET', KEYS[2], string.format('%.0f', tonumber(now[1]) * 1000000 + tonumber(now[2])))
        end
        return redis.call('INCR', KEYS[2])
        """)

    /// KEYS[1] lock key; ARGV[1] token. Deletes the lock only if it still holds this token.
    /// Returns 1 if deleted, 0 if the lock had expired or belongs to someone else.
    static let release = RedisScript("""
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """)

    /// KEYS[1] lock key; ARGV[1] token, ARGV[2] new TTL in ms. Resets the TTL only if the
    /// lock still holds this token. Returns 1 if extended, 0 if the lease was lost.
    static let extend = RedisScript("""
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return 0
        """)
}
