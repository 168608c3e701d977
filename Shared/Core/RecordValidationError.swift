/// A domain record (`Candle`, `Trade`, `Intent`, `Order`, `Fill`, `Position`) whose fields are
/// inconsistent. Thrown by the records' initialisers and by decoding.
public struct RecordValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The record type, e.g. "Candle".
    public let record: String
    /// The offending field, e.g. "high".
    public let field: String
    public let reason: String

    public init(record: String, field: String, reason: String) {
        self.record = record
        self.field = field
        self.reason = reason
    }

    public var description: String { "invalid \(record): \(field): \(reason)" }
}

extension RecordValidationError {
    static func check(_ condition: Bool, _ record: String, _ field: String, _ reason: @autoclosure () -> String) throws {
        if !condition { throw RecordValidationError(record: record, field: field, reason: reason()) }
    }
}
