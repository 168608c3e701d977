/// The JSON body of a signed Bybit POST, written once as compact bytes: those exact bytes are
/// signed and sent, so nothing re-serialises them in between. Fields keep the order given.
public struct BybitRequestBody: Sendable, Hashable {
    public enum Value: Sendable, Hashable {
        case string(String)
        case integer(Int64)
        case bool(Bool)
    }

    public private(set) var fields: [Field]

    public struct Field: Sendable, Hashable {
        public let name: String
        public let value: Value
    }

    public init(_ fields: [(String, Value)] = []) {
        self.fields = fields.map { Field(name: $0.0, value: $0.1) }
    }

    public mutating func append(_ name: String, _ value: Value) {
        fields.append(Field(name: name, value: value))
    }

    /// Appends a string field when `value` is not nil.
    public mutating func append(_ name: String, ifPresent value: String?) {
        if let value { append(name, .string(value)) }
    }

    /// Compact JSON, e.g. `{"category":"linear","qty":"0.01","reduceOnly":true}`.
    public var json: String {
        var out = "{"
        for (index, field) in fields.enumerated() {
            if index > 0 { out += "," }
            out += jsonString(field.name) + ":"
            switch field.value {
            case .string(let text): out += jsonString(text)
            case .integer(let number): out += String(number)
            case .bool(let flag): out += flag ? "true" : "false"
            }
        }
        return out + "}"
    }

    public var bytes: [UInt8] { Array(json.utf8) }
}
