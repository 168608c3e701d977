import CHiredis
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Owns one blocking hiredis `redisContext` (one TCP connection) and frees it on deinit.
///
/// `@unchecked Sendable` because a `redisContext` is not thread-safe, so the compiler cannot
/// prove this type safe: it is safe because only `RedisConnection` creates it, stores it in
/// state touched solely on that connection's private serial queue, and calls it only from that
/// queue — one call at a time, never from two threads. Every method blocks the calling thread.
final class HiredisContext: @unchecked Sendable {
    private let context: UnsafeMutablePointer<redisContext>
    let endpoint: String
    /// The command timeout, kept so a timeout error can say how long it waited.
    private(set) var commandTimeout: Duration = .zero

    private init(context: UnsafeMutablePointer<redisContext>, endpoint: String) {
        self.context = context
        self.endpoint = endpoint
    }

    deinit {
        redisFree(context)
    }

    /// Opens a TCP connection, waiting at most `timeout` for it.
    static func connect(host: String, port: Int, timeout: Duration, endpoint: String) throws(RedisError) -> HiredisContext {
        guard let raw = redisConnectWithTimeout(host, Int32(clamping: port), timeval(timeout)) else {
            throw .connectFailed(endpoint: endpoint, reason: "hiredis could not allocate a context")
        }
        if raw.pointee.err != 0 {
            let reason = errorString(raw)
            redisFree(raw)
            throw .connectFailed(endpoint: endpoint, reason: reason)
        }
        return HiredisContext(context: raw, endpoint: endpoint)
    }

    /// Sets the socket send/receive timeout used for every later command.
    func setCommandTimeout(_ timeout: Duration) throws(RedisError) {
        if redisSetTimeout(context, Self.timeval(timeout)) != REDIS_OK {
            throw .connectFailed(endpoint: endpoint, reason: "cannot set the command timeout: \(Self.errorString(context))")
        }
        commandTimeout = timeout
    }

    /// True once hiredis has flagged an error: the context can never be used again.
    var isBroken: Bool { context.pointee.err != 0 }

    /// Whether the server has closed (or reset) the connection while it was idle — after a
    /// `CLIENT KILL`, an idle timeout or a server restart. Between commands nothing should be
    /// waiting on the socket, so anything readable (EOF, an error, or stray bytes that would
    /// desynchronise the protocol) means this connection must not be used. A zero-timeout
    /// `poll` costs about a microsecond.
    func isClosedByPeer() -> Bool {
        if isBroken { return true }
        var descriptor = pollfd(fd: context.pointee.fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, 0)
        if ready == 0 { return false }
        if ready < 0 { return errno != EINTR }
        return true
    }

    /// Sends one command (binary-safe argv) and blocks for its reply. A Redis error reply is
    /// returned as `.error`; I/O failures throw, after which `isBroken` is true.
    func command(_ arguments: [[UInt8]]) throws(RedisError) -> RedisReply {
        precondition(!arguments.isEmpty, "a Redis command needs a name")
        // One contiguous buffer holding every argument, and pointers into it.
        var lengths = arguments.map(\.count)
        let joined = Array(arguments.joined())
        let (raw, savedErrno): (UnsafeMutableRawPointer?, Int32) = joined.withUnsafeBufferPointer { bytes in
            let base = UnsafeRawPointer(bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!)
                .assumingMemoryBound(to: CChar.self)
            var pointers: [UnsafePointer<CChar>?] = []
            pointers.reserveCapacity(arguments.count)
            var offset = 0
            for length in lengths {
                pointers.append(base + offset)
                offset += length
            }
            return pointers.withUnsafeMutableBufferPointer { argv in
                lengths.withUnsafeMutableBufferPointer { argvlen in
                    let reply = redisCommandArgv(context, Int32(argv.count), argv.baseAddress, argvlen.baseAddress)
                    return (reply, errno)
                }
            }
        }
        guard let raw else {
            throw failure(savedErrno: savedErrno)
        }
        defer { freeReplyObject(raw) }
        return try RedisReply(copying: raw.assumingMemoryBound(to: redisReply.self))
    }

    private func failure(savedErrno: Int32) -> RedisError {
        let reason = Self.errorString(context)
        switch context.pointee.err {
        case REDIS_ERR_IO where savedErrno == EAGAIN || savedErrno == EWOULDBLOCK:
            return .timeout(endpoint: endpoint, after: commandTimeout)
        case REDIS_ERR_PROTOCOL:
            return .protocolError(reason)
        case REDIS_ERR_EOF:
            return .connectionLost(endpoint: endpoint, reason: "server closed the connection")
        default:
            return .connectionLost(endpoint: endpoint, reason: reason.isEmpty ? "I/O error" : reason)
        }
    }

    private static func errorString(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { bytes in
            let prefix = bytes.prefix { $0 != 0 }
            return String(decoding: prefix, as: UTF8.self)
        }
    }

    private static func timeval(_ duration: Duration) -> timeval {
        let microseconds = max(duration.wholeMilliseconds * 1000, 1000)
        #if canImport(Darwin)
        return .init(tv_sec: Int(microseconds / 1_000_000), tv_usec: Int32(microseconds % 1_000_000))
        #else
        return .init(tv_sec: Int(microseconds / 1_000_000), tv_usec: Int(microseconds % 1_000_000))
        #endif
    }
}
