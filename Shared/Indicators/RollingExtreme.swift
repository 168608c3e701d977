/// The largest (or smallest) of the last `period` inputs, in amortised O(1) per input: a
/// monotonic queue keeps only the inputs that can still become the extreme, in a fixed ring
/// (it never holds more than `period` of them), so nothing grows or moves.
struct RollingExtreme: Sendable, Hashable, Codable {
    enum Kind: Sendable, Hashable, Codable { case maximum, minimum }

    let period: Int
    let kind: Kind
    /// The candidates' input numbers and values, oldest first from `front`, `count` of them;
    /// their values strictly improve towards the front.
    private var positions: [Int]
    private var values: [Double]
    private var front = 0
    private var count = 0
    private var seen = 0

    init(period: Int, kind: Kind) {
        self.period = period
        self.kind = kind
        positions = Array(repeating: 0, count: period)
        values = Array(repeating: 0, count: period)
    }

    /// Whether `period` inputs have been seen.
    var isFull: Bool { seen >= period }

    /// Adds `input` and returns the extreme of the last `period` inputs (of all so far while
    /// fewer were seen).
    mutating func update(_ input: Double) -> Double {
        // A later equal value replaces an earlier one: it stays in the window longer.
        while count > 0, !beats(values[slot(count - 1)], input) { count -= 1 }
        if count > 0, positions[front] <= seen - period {
            front = slot(1)
            count -= 1
        }
        let back = slot(count)
        positions[back] = seen
        values[back] = input
        count += 1
        seen += 1
        return values[front]
    }

    /// The ring index `offset` places after the front.
    private func slot(_ offset: Int) -> Int {
        let index = front + offset
        return index >= period ? index - period : index
    }

    private func beats(_ a: Double, _ b: Double) -> Bool {
        kind == .maximum ? a > b : a < b
    }
}
