/// A message that cannot become a Keel record: the field and why. Consumers treat it as an
/// invalid message (dead-lettered, never retried).
public struct SchemaConversionError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String
    public let field: String
    public let reason: String

    public init(message: String, field: String, reason: String) {
        self.message = message
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(message).\(field): \(reason)" }
}
