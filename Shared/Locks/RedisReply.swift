import CHiredis

/// One Redis reply, copied out of hiredis memory (so it outlives the `redisReply` it came from).
///
/// `RedisConnection.send` throws `RedisError.server` for a top-level error reply, so `.error`
/// only shows up nested inside an `.array` (for example in the reply to `EXEC`).
public enum RedisReply: Sendable, Hashable {
    /// A bulk string. Binary-safe: use `text` to read it as UTF-8.
    case string([UInt8])
    /// A status line such as `OK` or `PONG`.
    case status(String)
    case integer(Int64)
    case array([RedisReply])
    /// A nil bulk string or nil array (the key does not exist, `SET NX` did not set, ...).
    case null
    /// An error reply such as `WRONGTYPE ...`.
    case error(String)

    /// The bulk string or status as text (invalid UTF-8 is repaired), else `nil`.
    public var text: String? {
        switch self {
        case .string(let bytes): String(decoding: bytes, as: UTF8.self)
        case .status(let status): status
        default: nil
        }
    }

    public var integer: Int64? {
        if case .integer(let value) = self { value } else { nil }
    }

    public var isNull: Bool {
        if case .null = self { true } else { false }
    }

    /// Copies a hiredis reply tree. The caller still owns `reply` and must free it.
    init(copying reply: UnsafePointer<redisReply>) throws(RedisError) {
        let r = reply.pointee
        switch r.type {
        case REDIS_REPLY_STRING:
            self = .string(Self.bytes(r.str, r.len))
        case REDIS_REPLY_STATUS:
            self = .status(String(decoding: Self.bytes(r.str, r.len), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            self = .error(String(decoding: Self.bytes(r.str, r.len), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            self = .integer(Int64(r.integer))
        case REDIS_REPLY_NIL:
            self = .null
        case REDIS_REPLY_ARRAY:
            var elements: [RedisReply] = []
            elements.reserveCapacity(r.elements)
            for index in 0..<r.elements {
                guard let element = r.element[index] else { throw .protocolError("array reply with a missing element") }
                elements.append(try RedisReply(copying: element))
            }
            self = .array(elements)
        default:
            throw .protocolError("unknown reply type \(r.type)")
        }
    }

    private static func bytes(_ pointer: UnsafeMutablePointer<CChar>?, _ length: Int) -> [UInt8] {
        guard let pointer, length > 0 else { return [] }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            Array(UnsafeBufferPointer(start: $0, count: length))
        }
    }
}

extension RedisReply: CustomStringConvertible {
    public var description: String {
        switch self {
        case .string(let bytes): "string(\(bytes.count) bytes)"
        case .status(let status): "status(\(status))"
        case .integer(let value): "integer(\(value))"
        case .array(let elements): "array[\(elements.map(\.description).joined(separator: ", "))]"
        case .null: "null"
        case .error(let message): "error(\(message))"
        }
    }
}
