/// The largest (or smallest) of the last `period` inputs, in amortised O(1) per input: a
/// monotonic queue keeps only the inputs that can still become the extreme.
struct RollingExtreme: Sendable, Hashable, Codable {
    enum Kind: Sendable, Hashable, Codable { case maximum, minimum }

    private struct Entry: Sendable, Hashable, Codable {
        let index: Int
        let value: Double
    }

    let period: Int
    let kind: Kind
    /// Candidates from `head` on, by index; their values strictly improve towards the front.
    private var queue: [Entry] = []
    private var head = 0
    private var seen = 0

    init(period: Int, kind: Kind) {
        self.period = period
        self.kind = kind
        queue.reserveCapacity(period + 1)
    }

    /// Whether `period` inputs have been seen.
    var isFull: Bool { seen >= period }

    /// Adds `input` and returns the extreme of the last `period` inputs (of all so far while
    /// fewer were seen).
    mutating func update(_ input: Double) -> Double {
        while queue.count > head, !beats(queue[queue.count - 1].value, input) { queue.removeLast() }
        queue.append(Entry(index: seen, value: input))
        seen += 1
        while queue[head].index <= seen - 1 - period { head += 1 }
        if head > period {
            queue.removeFirst(head)
            head = 0
        }
        return queue[head].value
    }

    /// Whether `a` stays ahead of a later `b` (a later equal value replaces an earlier one).
    private func beats(_ a: Double, _ b: Double) -> Bool {
        kind == .maximum ? a > b : a < b
    }
}
