/// A set of intent ids that holds a stable id (`StableID`'s 32 lowercase hex characters) as
/// its 128 bits rather than as a string: no allocation per id, and a lookup hashes two words
/// instead of a string kept elsewhere on the heap. Risk looks up every intent it decides, a
/// backtest millions of them; any other id is held as its text. Either way the set is exact.
public struct IntentIDSet: Sendable, Hashable, Codable, ExpressibleByArrayLiteral {
    enum Key: Sendable, Hashable {
        case stable(high: UInt64, low: UInt64)
        case text(String)

        init(_ id: String) {
            self = Self.stableBits(id).map { .stable(high: $0.high, low: $0.low) } ?? .text(id)
        }

        var id: String {
            switch self {
            case .text(let id): return id
            case .stable(let high, let low): return Self.hex(high) + Self.hex(low)
            }
        }

        /// The 128 bits of a 32-character lowercase hex id (uppercase would not spell the same id back).
        private static func stableBits(_ id: String) -> (high: UInt64, low: UInt64)? {
            guard id.utf8.count == 32 else { return nil }
            var id = id
            return id.withUTF8 { bytes in
                // Without a branch on each digit's kind: hex digits are random, so such a branch
                // was mispredicted about every other digit.
                var words: (high: UInt64, low: UInt64) = (0, 0)
                var valid: UInt8 = 1
                for index in 0..<32 {
                    let byte = bytes[index]
                    let isDigit: UInt8 = byte &- UInt8(ascii: "0") < 10 ? 1 : 0
                    let isLetter: UInt8 = byte &- UInt8(ascii: "a") < 6 ? 1 : 0
                    valid &= isDigit | isLetter
                    // "0"..."9" are 0x30...0x39, "a"..."f" 0x61...0x66: bit 6 tells them apart.
                    let nibble = UInt64(byte & 0x0f) &+ 9 &* UInt64(byte >> 6)
                    if index < 16 { words.high = words.high << 4 | nibble } else { words.low = words.low << 4 | nibble }
                }
                return valid == 1 ? words : nil
            }
        }

        private static func hex(_ word: UInt64) -> String {
            let digits = String(word, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
    }

    private(set) var keys: Set<Key>

    public init() { keys = [] }

    public init(_ ids: some Sequence<String>) { keys = Set(ids.map(Key.init)) }

    public init(arrayLiteral ids: String...) { self.init(ids) }

    init(keys: Set<Key>) { self.keys = keys }

    public var count: Int { keys.count }

    public func contains(_ id: String) -> Bool { keys.contains(Key(id)) }

    /// Adds `key`; false when it was there already.
    @discardableResult
    mutating func insert(_ key: Key) -> Bool { keys.insert(key).inserted }

    /// The ids, in no particular order.
    public var ids: [String] { keys.map(\.id) }

    public init(from decoder: any Decoder) throws {
        self.init(try [String](from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try ids.sorted().encode(to: encoder)
    }
}
