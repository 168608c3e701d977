import Config
import Foundation
import Logging
import Synchronization

/// Writes one line per log event to standard error, as `text` or `json`, and replaces every
/// known secret value with `<redacted>` before the line leaves the process, so a secret that
/// slipped into a message or an error description is still never printed.
public struct KeelLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let format: LogFormat
    private let redactor: SecretRedactor
    private let output: @Sendable (String) -> Void

    /// - Parameter output: where finished lines go; standard error unless a test captures them.
    public init(
        label: String, level: Logger.Level, format: LogFormat, redactor: SecretRedactor,
        output: @escaping @Sendable (String) -> Void = StandardError.write
    ) {
        self.label = label
        self.logLevel = level
        self.format = format
        self.redactor = redactor
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let extra = event.metadata { fields.merge(extra) { _, new in new } }
        // Redact before formatting: JSON and quoting escape characters, which would hide a
        // secret containing them from a search over the finished line.
        let message = redactor.redact("\(event.message)")
        let values = fields.mapValues { redactor.redact("\($0)") }
        let line = switch format {
        case .text: Self.textLine(label: label, level: event.level, message: message, fields: values)
        case .json: Self.jsonLine(label: label, level: event.level, message: message, fields: values)
        }
        output(line + "\n")
    }

    static func textLine(label: String, level: Logger.Level, message: String, fields: [String: String]) -> String {
        let rendered = fields.sorted { $0.key < $1.key }.map { "\($0.key)=\(quotedIfNeeded($0.value))" }
        return ([timestamp(), level.rawValue, "\(label):", message] + rendered).joined(separator: " ")
    }

    static func jsonLine(label: String, level: Logger.Level, message: String, fields: [String: String]) -> String {
        var object: [String: String] = ["ts": timestamp(), "level": level.rawValue, "logger": label, "msg": message]
        for (key, value) in fields where object[key] == nil { object[key] = value }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    private static func quotedIfNeeded(_ value: String) -> String {
        value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) ? "\"\(value.replacingOccurrences(of: "\"", with: "\\\""))\"" : value
    }

    private static func timestamp() -> String {
        Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}

/// The secret values of this process (passwords, keys, tokens), scrubbed from every log line.
public final class SecretRedactor: Sendable {
    private let secrets: Mutex<[String]>

    public init(_ secrets: [String] = []) {
        self.secrets = Mutex(secrets.filter { !$0.isEmpty })
    }

    public func register(_ secret: String) {
        guard !secret.isEmpty else { return }
        secrets.withLock { $0.append(secret) }
    }

    public func redact(_ text: String) -> String {
        secrets.withLock { secrets in
            secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "<redacted>") }
        }
    }
}

/// Serialised writes to standard error, so concurrent log lines never interleave.
public enum StandardError {
    private static let lock = Mutex(())

    @Sendable public static func write(_ text: String) {
        lock.withLock { _ in FileHandle.standardError.write(Data(text.utf8)) }
    }
}
