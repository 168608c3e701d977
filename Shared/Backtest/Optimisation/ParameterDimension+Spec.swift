extension ParameterDimension {
    /// Parses a command-line spec: `fast=5:50:5` (integers), `atr=1.5:3.0:0.5` (decimals, when
    /// any of the three is not an integer), or `mode=a,b,c` (choices; a single value is one
    /// choice). Throws `ParameterSpaceError.badSpec` for a malformed spec, and the dimension's
    /// own errors for a bad range.
    public init(spec: String) throws {
        guard let equals = spec.firstIndex(of: "=") else { throw ParameterSpaceError.badSpec(spec, reason: "no '='") }
        let name = String(spec[..<equals])
        let body = spec[spec.index(after: equals)...]
        guard !body.isEmpty else { throw ParameterSpaceError.badSpec(spec, reason: "nothing after '='") }
        guard body.contains(":") else {
            try self.init(name, .choice(body.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
            return
        }
        let parts = body.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else {
            throw ParameterSpaceError.badSpec(spec, reason: "a range needs exactly lower:upper:step, found \(parts.count) part(s)")
        }
        if let integers = Self.all(parts, { Int($0) }) {
            try self.init(name, .integer(lower: integers[0], upper: integers[1], step: integers[2]))
        } else if let decimals = Self.all(parts, { Double($0) }) {
            try self.init(name, .decimal(lower: decimals[0], upper: decimals[1], step: decimals[2]))
        } else {
            throw ParameterSpaceError.badSpec(spec, reason: "'\(body)' is not three numbers")
        }
    }

    /// The spec `init(spec:)` reads back as this dimension: `fast=5:50:5`, `atr=1.5:3.0:0.5`,
    /// `mode=a,b,c`.
    public var spec: String {
        switch kind {
        case .integer(let lower, let upper, let step): return "\(name)=\(lower):\(upper):\(step)"
        case .decimal(let lower, let upper, let step): return "\(name)=\(lower):\(upper):\(step)"
        case .choice(let values): return "\(name)=\(values.joined(separator: ","))"
        }
    }

    private static func all<T>(_ parts: [String], _ parse: (String) -> T?) -> [T]? {
        let parsed = parts.compactMap(parse)
        return parsed.count == parts.count ? parsed : nil
    }
}
