/// A set of intent ids that holds a stable id (`StableID`'s 32 lowercase hex characters) as
/// its 128 bits rather than as a string: no allocation per id, and a lookup is a probe of those
/// bits in one array (`StableBitsTable`) instead of hashing a string kept elsewhere on the heap.
/// Risk looks up every intent it decides, a backtest millions of them; any other id is held as
/// its text. Either way the set is exact.
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

    /// Stable ids, by their bits.
    private var stable = StableBitsTable()
    /// Every other id, as its text.
    private var texts: Set<String> = []

    public init() {}

    public init(_ ids: some Sequence<String>) {
        for id in ids { insert(Key(id)) }
    }

    public init(arrayLiteral ids: String...) { self.init(ids) }

    /// An empty set with room for `minimumCapacity` stable ids before it grows.
    init(minimumCapacity: Int) { stable = StableBitsTable(minimumCapacity: minimumCapacity) }

    public var count: Int { stable.count + texts.count }

    public func contains(_ id: String) -> Bool {
        switch Key(id) {
        case .stable(let high, let low): stable.contains(high: high, low: low)
        case .text(let text): texts.contains(text)
        }
    }

    /// Adds `key`; false when it was there already.
    @discardableResult
    mutating func insert(_ key: Key) -> Bool {
        switch key {
        case .stable(let high, let low): stable.insert(high: high, low: low)
        case .text(let text): texts.insert(text).inserted
        }
    }

    /// The keys, in no particular order.
    var keys: [Key] { stable.elements.map { .stable(high: $0.high, low: $0.low) } + texts.map(Key.text) }

    /// The ids, in no particular order.
    public var ids: [String] { keys.map(\.id) }

    public static func == (lhs: IntentIDSet, rhs: IntentIDSet) -> Bool {
        lhs.stable.count == rhs.stable.count && lhs.texts == rhs.texts
            && lhs.stable.elements.allSatisfy { rhs.stable.contains(high: $0.high, low: $0.low) }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(texts)
        // Whatever the order the ids were added in.
        hasher.combine(stable.elements.reduce(UInt64(0)) { $0 ^ $1.high ^ ($1.low &* 0x9E37_79B9_7F4A_7C15) })
    }

    public init(from decoder: any Decoder) throws {
        self.init(try [String](from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try ids.sorted().encode(to: encoder)
    }
}

/// A set of 128-bit values in open addressing (linear probing), each value's low word taken as
/// its hash: stable ids are SHA-256 output, already evenly spread, so nothing is hashed and a
/// lookup is a probe or two in one array. (An id that only looks like one, chosen to collide,
/// would make probes longer, never a wrong answer.) The value 0 marks an empty slot, so a zero
/// value is held apart.
struct StableBitsTable: Sendable {
    private var slots: [(high: UInt64, low: UInt64)]
    private var holdsZero = false
    private(set) var count = 0

    init(minimumCapacity: Int = 0) {
        slots = Array(repeating: (0, 0), count: Self.slotCount(for: minimumCapacity))
    }

    /// A power of two that keeps `values` at most three quarters full.
    private static func slotCount(for values: Int) -> Int {
        var slots = 16
        while 3 * slots < 4 * values { slots *= 2 }
        return slots
    }

    func contains(high: UInt64, low: UInt64) -> Bool {
        guard high != 0 || low != 0 else { return holdsZero }
        return probe(high: high, low: low).found
    }

    /// Adds the value; false when it was there already.
    mutating func insert(high: UInt64, low: UInt64) -> Bool {
        guard high != 0 || low != 0 else {
            if holdsZero { return false }
            holdsZero = true
            count += 1
            return true
        }
        if 3 * slots.count < 4 * (count + 1) { grow() }
        let (index, found) = probe(high: high, low: low)
        if found { return false }
        slots[index] = (high, low)
        count += 1
        return true
    }

    /// The slot holding the (non-zero) value, or the empty slot where it would go.
    private func probe(high: UInt64, low: UInt64) -> (index: Int, found: Bool) {
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: low) & mask
        while slots[index] != (0, 0) {
            if slots[index] == (high, low) { return (index, true) }
            index = (index + 1) & mask
        }
        return (index, false)
    }

    /// The values, in no particular order.
    var elements: [(high: UInt64, low: UInt64)] {
        slots.filter { $0 != (0, 0) } + (holdsZero ? [(0, 0)] : [])
    }

    private mutating func grow() {
        let values = elements
        slots = Array(repeating: (0, 0), count: slots.count * 2)
        holdsZero = false
        count = 0
        for value in values { insert(high: value.high, low: value.low) }
    }
}
