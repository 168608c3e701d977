/// Thrown by a decoder or a handler for a message that can never be processed (malformed
/// bytes, a value that breaks the schema's rules). The consumer sends it to the topic's
/// dead-letter topic with `reason` and moves on; any other error makes it retry the message.
public struct InvalidMessage: Error, CustomStringConvertible, Sendable {
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { "invalid message: \(reason)" }
}

extension ConsumedMessage {
    /// The message's value read by `read`; any failure is an `InvalidMessage` naming `expected`
    /// (dead-lettered, never retried).
    public func decoded<Value>(as expected: String, _ read: ([UInt8]) throws -> Value) throws -> Value {
        do {
            return try read(value)
        } catch {
            throw InvalidMessage("not a valid \(expected): \(error)")
        }
    }
}
