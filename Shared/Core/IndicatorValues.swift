/// The indicator values behind an intent, by name ("rsi_14" → 56.2): a few entries kept in
/// one array, in the order given, with no name twice. A strategy makes one for every intent, a
/// backtest millions, and an array of a dozen entries costs a fraction of a hashed dictionary's
/// building; a name is found by looking through them.
///
/// Equality and hashing ignore the order (it is a map), and it is written as a JSON object, as
/// a `[String: Double]` would be.
public struct IndicatorValues: Sendable, Hashable, Codable, ExpressibleByDictionaryLiteral {
    public struct Entry: Sendable, Hashable {
        public let name: String
        public let value: Double
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    /// Room for `capacity` entries, so adding that many never regrows the array.
    public init(minimumCapacity capacity: Int) {
        entries.reserveCapacity(capacity)
    }

    /// The dictionary's entries, by name.
    public init(_ values: [String: Double]) {
        entries = values.sorted { $0.key < $1.key }.map { Entry(name: $0.key, value: $0.value) }
    }

    public init(dictionaryLiteral elements: (String, Double)...) {
        for (name, value) in elements { self[name] = value }
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public var dictionary: [String: Double] {
        Dictionary(entries.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// The value named `name`; setting one replaces it or adds it at the end, setting nil removes it.
    public subscript(name: String) -> Double? {
        get { entries.first { $0.name == name }?.value }
        set {
            let index = entries.firstIndex { $0.name == name }
            switch (index, newValue) {
            case (let index?, let value?): entries[index] = Entry(name: name, value: value)
            case (let index?, nil): entries.remove(at: index)
            case (nil, let value?): entries.append(Entry(name: name, value: value))
            case (nil, nil): break
            }
        }
    }

    /// Adds a value under a name it does not hold yet (the caller knows it is new: no search).
    public mutating func append(_ name: String, _ value: Double) {
        assert(self[name] == nil, "\(name) is already among the values")
        entries.append(Entry(name: name, value: value))
    }

    public static func == (lhs: IndicatorValues, rhs: IndicatorValues) -> Bool {
        lhs.count == rhs.count && lhs.entries.allSatisfy { rhs[$0.name] == $0.value }
    }

    public func hash(into hasher: inout Hasher) {
        // Order-free: the entries' own hashes summed.
        hasher.combine(count)
        hasher.combine(entries.reduce(0) { $0 &+ $1.hashValue })
    }

    public init(from decoder: any Decoder) throws {
        self.init(try [String: Double](from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try dictionary.encode(to: encoder)
    }
}
