/// A credential (password, API key, token). It never prints its value: `description`,
/// `debugDescription` and string interpolation all show a placeholder, so a secret that
/// ends up in a log line or an error message leaks nothing.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The credential itself; read it only where it is handed to the library that needs it.
    public let value: String

    public init(_ value: String) {
        self.value = value
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "Secret(<redacted>)" }
}
