import Core
import Foundation

/// Typed, validated access to a `ConfigSource`. Every accessor names its field in the error,
/// and the reader remembers which fields were asked for so that unknown (misspelt) fields in
/// the file are refused rather than silently ignored.
public final class ConfigReader {
    private let source: ConfigSource
    private var knownFields: Set<String> = []

    public init(_ source: ConfigSource) {
        self.source = source
    }

    public func string(_ field: String, default defaultValue: String? = nil) throws -> String {
        knownFields.insert(field)
        switch source.value(field) {
        case .scalar(let text)?:
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { throw ConfigError(field: field, reason: "must not be empty") }
            return trimmed
        case .list?:
            throw ConfigError(field: field, reason: "must be a single value, not a list")
        case nil:
            guard let defaultValue else { throw ConfigError(field: field, reason: "is required") }
            return defaultValue
        }
    }

    public func int(_ field: String, default defaultValue: Int, in range: ClosedRange<Int>) throws -> Int {
        let text = try string(field, default: String(defaultValue))
        guard let value = Int(text) else {
            throw ConfigError(field: field, reason: "must be a whole number, got \"\(text)\"")
        }
        guard range.contains(value) else {
            throw ConfigError(field: field, reason: "must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
        return value
    }

    /// A finite decimal number within `range`.
    public func double(_ field: String, default defaultValue: Double, in range: ClosedRange<Double>) throws -> Double {
        let text = try string(field, default: String(defaultValue))
        guard let value = Double(text), value.isFinite else {
            throw ConfigError(field: field, reason: "must be a number, got \"\(text)\"")
        }
        guard range.contains(value) else {
            throw ConfigError(field: field, reason: "must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
        return value
    }

    /// An exact decimal (for fractions of a position and the like) within `range`.
    public func fixedPoint(_ field: String, default defaultValue: String, in range: ClosedRange<FixedPoint>) throws -> FixedPoint {
        let text = try string(field, default: defaultValue)
        guard let value = try? FixedPoint(parsing: text) else {
            throw ConfigError(field: field, reason: "must be a decimal number, got \"\(text)\"")
        }
        guard range.contains(value) else {
            throw ConfigError(field: field, reason: "must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
        return value
    }

    /// The names directly under `field` in the file (`signals.strategies.a.x` → "a"), sorted.
    public func childNames(of field: String) -> [String] {
        let prefix = field + "."
        let names = source.fileValues.keys.filter { $0.hasPrefix(prefix) }
            .compactMap { $0.dropFirst(prefix.count).split(separator: ".").first.map(String.init) }
        return Set(names).sorted()
    }

    /// The file's values under `field`, relative to it (`field.a.b` → `a.b`), as a source of its
    /// own (without environment overrides); they count as known here.
    public func subtree(_ field: String) -> ConfigSource {
        let prefix = field + "."
        var values: [String: ConfigSource.Value] = [:]
        for (key, value) in source.fileValues where key.hasPrefix(prefix) {
            knownFields.insert(key)
            values[String(key.dropFirst(prefix.count))] = value
        }
        return ConfigSource(fileValues: values, origin: source.origin)
    }

    public func bool(_ field: String, default defaultValue: Bool) throws -> Bool {
        let text = try string(field, default: String(defaultValue))
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw ConfigError(field: field, reason: "must be true or false, got \"\(text)\"")
        }
    }

    public func choice<T: RawRepresentable & CaseIterable>(_ field: String, default defaultValue: T) throws -> T
    where T.RawValue == String {
        let text = try string(field, default: defaultValue.rawValue)
        guard let value = T(rawValue: text.lowercased()) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigError(field: field, reason: "must be one of \(allowed), got \"\(text)\"")
        }
        return value
    }

    public func list(_ field: String, default defaultValue: [String]) throws -> [String] {
        knownFields.insert(field)
        switch source.value(field) {
        case .list(let items)?: return items
        // A scalar (typically from the environment) is a comma-separated list.
        case .scalar(let text)?:
            return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case nil: return defaultValue
        }
    }

    /// A map of free-form settings under `field` (e.g. `kafka.properties.*`).
    public func map(_ field: String) -> [String: String] {
        let prefix = field + "."
        var result: [String: String] = [:]
        for (key, value) in source.fileValues where key.hasPrefix(prefix) {
            knownFields.insert(key)
            if case .scalar(let text) = value { result[String(key.dropFirst(prefix.count))] = text }
        }
        return result
    }

    /// A credential from `field`, or from the file named by `field_file` (Docker/Kubernetes
    /// secrets), trailing newline removed. Its value never appears in an error.
    public func secret(_ field: String) throws -> Secret? {
        let fileField = field + "_file"
        if source.value(field) != nil, source.value(fileField) != nil {
            throw ConfigError(field: field, reason: "set either \(field) or \(fileField), not both")
        }
        if let path = try optionalString(fileField) {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigError(field: fileField, reason: "cannot read secret file \(path)")
            }
            let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
            guard !value.isEmpty else { throw ConfigError(field: fileField, reason: "secret file \(path) is empty") }
            return Secret(value)
        }
        return try optionalString(field).map(Secret.init)
    }

    public func optionalString(_ field: String) throws -> String? {
        knownFields.insert(field)
        guard source.value(field) != nil else { return nil }
        return try string(field)
    }

    /// Refuses fields in the file that no accessor asked for: they are almost always typos.
    public func rejectUnknownFields() throws {
        if let unknown = source.fileValues.keys.filter({ !knownFields.contains($0) }).sorted().first {
            throw ConfigError(field: unknown, reason: "unknown field\(source.origin.map { " in \($0)" } ?? "")")
        }
    }
}
