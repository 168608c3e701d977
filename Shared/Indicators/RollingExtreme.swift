/// The largest (or smallest) of the last `period` inputs, in amortised O(1) per input: a
/// monotonic queue keeps only the inputs that can still become the extreme, in a fixed ring
/// (it never holds more than `period` of them), so nothing grows or moves.
struct RollingExtreme: Sendable, Hashable, Codable {
    enum Kind: Sendable, Hashable, Codable { case maximum, minimum }

    private struct Candidate: Sendable, Hashable, Codable {
        /// Which input it was (0 for the first).
        var position: Int
        var value: Double
    }

    let period: Int
    let kind: Kind
    /// `count` candidates, oldest first from `front`; their values strictly improve towards the front.
    private var ring: [Candidate]
    private var front = 0
    private var count = 0
    private var seen = 0

    init(period: Int, kind: Kind) {
        self.period = period
        self.kind = kind
        ring = Array(repeating: Candidate(position: 0, value: 0), count: period)
    }

    /// Whether `period` inputs have been seen.
    var isFull: Bool { seen >= period }

    /// Adds `input` and returns the extreme of the last `period` inputs (of all so far while
    /// fewer were seen).
    mutating func update(_ input: Double) -> Double {
        let period = period, seen = seen, maximum = kind == .maximum
        var front = front, count = count
        // One uniqueness check for the whole update, not one per ring access.
        let extreme = ring.withUnsafeMutableBufferPointer { ring -> Double in
            func slot(_ offset: Int) -> Int {
                let index = front + offset
                return index >= period ? index - period : index
            }
            // A later equal value replaces an earlier one: it stays in the window longer.
            while count > 0 {
                let back = ring[slot(count - 1)].value
                if maximum ? back > input : back < input { break }
                count -= 1
            }
            if count > 0, ring[front].position <= seen - period {
                front = slot(1)
                count -= 1
            }
            ring[slot(count)] = Candidate(position: seen, value: input)
            count += 1
            return ring[front].value
        }
        self.front = front
        self.count = count
        self.seen = seen + 1
        return extreme
    }
}
