import Foundation
import Yams

/// Raw configuration values by dotted field path, from one YAML file with environment
/// overrides layered on top. Values stay text until a `ConfigReader` types and validates them.
public struct ConfigSource: Sendable {
    public enum Value: Sendable, Equatable {
        case scalar(String)
        case list([String])
    }

    /// Values from the file, by dotted path.
    public private(set) var fileValues: [String: Value]
    /// The process environment (or a stand-in in tests).
    public var environment: [String: String]
    /// Where the file values came from, for messages.
    public var origin: String?

    public init(fileValues: [String: Value] = [:], environment: [String: String] = [:], origin: String? = nil) {
        self.fileValues = fileValues
        self.environment = environment
        self.origin = origin
    }

    /// Loads a YAML file: nested mappings become dotted paths, sequences of scalars become lists.
    public static func load(file path: String, environment: [String: String]) throws -> ConfigSource {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(field: "(file)", reason: "cannot read configuration file \(path)")
        }
        return try parse(yaml: String(decoding: data, as: UTF8.self), environment: environment, origin: path)
    }

    public static func parse(yaml: String, environment: [String: String], origin: String? = nil) throws -> ConfigSource {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigError(field: "(file)", reason: "not valid YAML\(origin.map { " in \($0)" } ?? ""): \(error)")
        }
        var values: [String: Value] = [:]
        if let node {
            guard node.mapping != nil else {
                throw ConfigError(field: "(file)", reason: "the top level must be a mapping of sections")
            }
            try flatten(node, path: "", into: &values)
        }
        return ConfigSource(fileValues: values, environment: environment, origin: origin)
    }

    /// The environment variable that overrides `field`: `KEEL_` + the path in capitals with
    /// dots as underscores (`kafka.bootstrap_servers` → `KEEL_KAFKA_BOOTSTRAP_SERVERS`).
    public static func environmentName(for field: String) -> String {
        "KEEL_" + field.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    /// The value of `field`: the environment override if set, else the file's.
    public func value(_ field: String) -> Value? {
        if let text = environment[Self.environmentName(for: field)] {
            return .scalar(text)
        }
        return fileValues[field]
    }

    private static func flatten(_ node: Node, path: String, into values: inout [String: Value]) throws {
        switch node {
        case .mapping(let mapping):
            for (keyNode, child) in mapping {
                guard let key = keyNode.scalar?.string, !key.isEmpty else {
                    throw ConfigError(field: path.isEmpty ? "(file)" : path, reason: "mapping keys must be plain names")
                }
                try flatten(child, path: path.isEmpty ? key : "\(path).\(key)", into: &values)
            }
        case .sequence(let sequence):
            var items: [String] = []
            for item in sequence {
                guard let scalar = item.scalar else {
                    throw ConfigError(field: path, reason: "lists may only hold plain values")
                }
                items.append(scalar.string)
            }
            values[path] = .list(items)
        case .scalar(let scalar):
            values[path] = .scalar(scalar.string)
        case .alias:
            throw ConfigError(field: path, reason: "YAML anchors and aliases are not supported")
        }
    }
}
