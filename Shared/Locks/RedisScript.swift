/// A Lua script run with `EVALSHA`, falling back to `EVAL` (which also caches it on the server)
/// when the server answers `NOSCRIPT` — after a restart, `SCRIPT FLUSH` or failover.
public struct RedisScript: Sendable, Hashable {
    public let source: String
    /// SHA-1 of `source`, as Redis computes it.
    public let sha1: String

    public init(_ source: String) {
        self.source = source
        self.sha1 = SHA1.hex(source)
    }
}

extension RedisConnection {
    /// Runs `script` atomically on the server with `KEYS` and `ARGV`.
    public func evaluate(_ script: RedisScript, keys: [String], arguments: [String]) async throws -> RedisReply {
        let tail = [String(keys.count)] + keys + arguments
        do {
            return try await send(["EVALSHA", script.sha1] + tail)
        } catch RedisError.server(let message) where message.hasPrefix("NOSCRIPT") {
            // NOSCRIPT means nothing ran, so sending the source is safe.
            return try await send(["EVAL", script.source] + tail)
        }
    }
}
