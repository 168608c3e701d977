/// A configuration problem, naming the field (dotted path, e.g. `kafka.session_timeout_ms`)
/// and what is wrong. Services print it and exit with status 2.
public struct ConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "invalid configuration: \(field): \(reason)" }

    /// The exit status for a configuration error, distinct from a crash (1).
    public static let exitCode: Int32 = 2
}
