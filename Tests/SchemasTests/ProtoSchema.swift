import Foundation
import SwiftProtobuf
import Testing

/// A minimal reader of this module's `.proto` files, so tests can check the fixtures set every
/// declared field and that the generated code matches the `.proto` field list.
struct ProtoSchema {
    struct Field {
        var name: String
        var type: String
        var isRepeated: Bool
        var isMap: Bool
        var oneof: String?
    }

    /// Fields by fully-qualified message name, e.g. `keel.v1.OperatorCommand.CloseSymbol`.
    private(set) var messages: [String: [Field]] = [:]
    /// Topic name -> message declared right after a `// Topic <name>` comment.
    private(set) var topicMessages: [String: String] = [:]
    private(set) var package = ""

    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Shared/Schemas/proto/keel/v1")

    static let shared: ProtoSchema = {
        do { return try ProtoSchema(directory: directory) } catch { fatalError("reading protos: \(error)") }
    }()

    static func protoFiles(in directory: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "proto" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    init(directory: URL) throws {
        for file in try Self.protoFiles(in: directory) {
            try parse(String(contentsOf: file, encoding: .utf8))
        }
    }

    private static func tokens(_ line: Substring) -> [String] {
        var out: [String] = []
        var word = ""
        for ch in line {
            if ch.isLetter || ch.isNumber || ch == "_" || ch == "." || ch == "\"" || ch == "/" || ch == "-" {
                word.append(ch)
            } else {
                if !word.isEmpty { out.append(word); word = "" }
                if !ch.isWhitespace { out.append(String(ch)) }
            }
        }
        if !word.isEmpty { out.append(word) }
        return out
    }

    private enum Scope { case message(String), oneof(String), enumeration, other }

    private mutating func parse(_ text: String) throws {
        var stack: [Scope] = []
        var pendingTopic: String?
        var statement: [String] = []

        func currentMessage() -> String? {
            for scope in stack.reversed() { if case .message(let name) = scope { return name } }
            return nil
        }

        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = rawLine[...]
            if let comment = line.range(of: "//") {
                let text = line[comment.upperBound...].trimmingCharacters(in: .whitespaces)
                if text.hasPrefix("Topic ") {
                    pendingTopic = String(text.dropFirst("Topic ".count).prefix { !$0.isWhitespace })
                }
                line = line[..<comment.lowerBound]
            }
            for token in Self.tokens(line) {
                switch token {
                case "{":
                    let head = statement
                    statement = []
                    if head.first == "message", head.count == 2 {
                        let name = (currentMessage() ?? package) + "." + head[1]
                        if stack.isEmpty, let topic = pendingTopic {
                            topicMessages[topic] = name
                            pendingTopic = nil
                        }
                        messages[name] = messages[name] ?? []
                        stack.append(.message(name))
                    } else if head.first == "oneof", head.count == 2 {
                        stack.append(.oneof(head[1]))
                    } else if head.first == "enum" {
                        stack.append(.enumeration)
                    } else {
                        stack.append(.other)
                    }
                case "}":
                    statement = []
                    _ = stack.popLast()
                case ";":
                    defer { statement = [] }
                    guard let first = statement.first else { continue }
                    if stack.isEmpty {
                        if first == "package", statement.count == 2 { package = statement[1] }
                        continue
                    }
                    guard let message = currentMessage(), let equals = statement.firstIndex(of: "="),
                          equals > 0, ["option", "reserved", "extensions"].contains(first) == false
                    else { continue }
                    if case .enumeration = stack.last! { continue }
                    var oneof: String?
                    if case .oneof(let name) = stack.last! { oneof = name }
                    let name = statement[equals - 1]
                    var field = Field(name: name, type: "", isRepeated: false, isMap: false, oneof: oneof)
                    if first == "map" {
                        field.isMap = true
                        field.type = "map"
                    } else if first == "repeated" || first == "optional" {
                        field.isRepeated = first == "repeated"
                        field.type = statement[1]
                    } else {
                        field.type = first
                    }
                    messages[message, default: []].append(field)
                default:
                    statement.append(token)
                }
            }
        }
    }

    /// The message a field's type names, resolved like protoc does for these files
    /// (nested in the enclosing messages first, then the package).
    func resolve(_ type: String, from message: String) -> String? {
        var scope = message
        while true {
            if messages[scope + "." + type] != nil { return scope + "." + type }
            guard let dot = scope.lastIndex(of: ".") else { return nil }
            scope = String(scope[..<dot])
        }
    }

    /// Records an issue for every declared field that `message` leaves at its default value,
    /// recursively, and for every JSON field the `.proto` does not declare. `unset` lists fields
    /// allowed to be absent, as paths without indices, e.g. `keel.v1.Intent.take_profits.qty`.
    func expectComplete<M: SwiftProtobuf.Message>(
        _ message: M, unset: Set<String> = [], sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        var options = JSONEncodingOptions()
        options.preserveProtoFieldNames = true
        let data = try message.jsonUTF8Data(options: options)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let problems = check(object, as: M.protoMessageName, path: M.protoMessageName, unset: unset)
        #expect(problems.isEmpty, "\(problems.joined(separator: "; "))", sourceLocation: sourceLocation)
    }

    private func check(_ object: [String: Any], as name: String, path: String, unset: Set<String>) -> [String] {
        guard let fields = messages[name] else { return ["\(path): message \(name) not found in the .proto files"] }
        var problems: [String] = []
        let declared = Set(fields.map(\.name))
        for key in object.keys where !declared.contains(key) {
            problems.append("\(path).\(key) is not declared in the .proto (generated code stale?)")
        }
        var oneofsSet: [String: Int] = [:]
        for field in fields {
            if let oneof = field.oneof { oneofsSet[oneof, default: 0] += object[field.name] == nil ? 0 : 1 }
            guard let value = object[field.name] else {
                let allowed = unset.contains(Self.withoutIndices("\(path).\(field.name)"))
                if field.oneof == nil && !allowed { problems.append("\(path).\(field.name) is not set") }
                continue
            }
            guard !field.isMap, let nested = resolve(field.type, from: name) else { continue }
            if field.isRepeated {
                for (i, element) in (value as? [Any] ?? []).enumerated() {
                    problems += check(element as? [String: Any] ?? [:], as: nested, path: "\(path).\(field.name)[\(i)]", unset: unset)
                }
            } else {
                problems += check(value as? [String: Any] ?? [:], as: nested, path: "\(path).\(field.name)", unset: unset)
            }
        }
        for (oneof, count) in oneofsSet where count != 1 {
            problems.append("\(path): oneof \(oneof) has \(count) members set, expected 1")
        }
        return problems
    }

    private static func withoutIndices(_ path: String) -> String {
        var out = ""
        var inIndex = false
        for ch in path {
            if ch == "[" { inIndex = true } else if ch == "]" { inIndex = false } else if !inIndex { out.append(ch) }
        }
        return out
    }
}
