/// An exchange instrument symbol such as "BTCUSDT": 1...32 characters, uppercase A–Z and 0–9.
///
/// Construction always validates (there is deliberately no string-literal conversion), and
/// decoding validates too, so a `Symbol` in hand is always well formed.
public struct Symbol: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public static let maxLength = 32

    public let rawValue: String

    /// Throws `SymbolError` unless `rawValue` is 1...32 characters of A–Z and 0–9.
    public init(_ rawValue: String) throws {
        guard !rawValue.isEmpty else { throw SymbolError(input: rawValue, reason: .empty) }
        let length = rawValue.unicodeScalars.count
        guard length <= Self.maxLength else {
            throw SymbolError(input: rawValue, reason: .tooLong(length))
        }
        for scalar in rawValue.unicodeScalars where !(("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)) {
            throw SymbolError(input: rawValue, reason: .invalidCharacter(Character(scalar)))
        }
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    public static func < (lhs: Symbol, rhs: Symbol) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(text)
        } catch let error as SymbolError {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// Why a string is not a valid `Symbol`.
public struct SymbolError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        case empty
        case tooLong(Int)
        case invalidCharacter(Character)
    }

    public let input: String
    public let reason: Reason

    public var description: String {
        let detail: String
        switch reason {
        case .empty: detail = "it is empty"
        case .tooLong(let length): detail = "it has \(length) characters, at most \(Symbol.maxLength) are allowed"
        case .invalidCharacter(let character):
            detail = "character \(String(reflecting: String(character))) is not allowed (only A-Z and 0-9)"
        }
        return "invalid symbol \(String(reflecting: input)): \(detail)"
    }
}
