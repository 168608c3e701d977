/// A point of a `ParameterSpace`: each dimension's name and value, in the space's order.
public struct ParameterPoint: Sendable, Hashable, Codable, CustomStringConvertible {
    public struct Entry: Sendable, Hashable, Codable {
        public let name: String
        public let value: ParameterValue

        public init(name: String, value: ParameterValue) {
            self.name = name
            self.value = value
        }
    }

    public let entries: [Entry]

    public init(_ entries: [Entry]) { self.entries = entries }

    /// `fast=5 slow=20 atr=1.5 mode=a`: stable for a given point, used by journals and to
    /// break ties in rankings.
    public var key: String { entries.map { "\($0.name)=\($0.value)" }.joined(separator: " ") }

    public var description: String { key }

    public subscript(name: String) -> ParameterValue? { entries.first { $0.name == name }?.value }

    /// The integer parameter `name`; throws when it is missing or of another kind.
    public func int(_ name: String) throws -> Int {
        let value = try self.value(name)
        guard case .integer(let integer) = value else { throw ParameterPointError.wrongKind(name, expected: "an integer", found: value) }
        return integer
    }

    /// The decimal parameter `name` (an integer parameter is converted); throws when it is
    /// missing or a choice.
    public func double(_ name: String) throws -> Double {
        let value = try self.value(name)
        switch value {
        case .decimal(let decimal): return decimal
        case .integer(let integer): return Double(integer)
        case .choice: throw ParameterPointError.wrongKind(name, expected: "a number", found: value)
        }
    }

    /// The choice parameter `name`; throws when it is missing or a number.
    public func string(_ name: String) throws -> String {
        let value = try self.value(name)
        guard case .choice(let choice) = value else { throw ParameterPointError.wrongKind(name, expected: "a choice", found: value) }
        return choice
    }

    private func value(_ name: String) throws -> ParameterValue {
        guard let value = self[name] else { throw ParameterPointError.missing(name, point: key) }
        return value
    }
}

/// A parameter a strategy asked a point for that it does not have in the kind asked for.
public enum ParameterPointError: Error, Sendable, Hashable, CustomStringConvertible {
    case missing(String, point: String)
    case wrongKind(String, expected: String, found: ParameterValue)

    public var description: String {
        switch self {
        case .missing(let name, let point): return "parameter '\(name)' is not in the point (\(point))"
        case .wrongKind(let name, let expected, let found):
            return "parameter '\(name)' is \(found.kindName) (\(found)), not \(expected)"
        }
    }
}
