/// The last `capacity` inputs in a fixed ring: O(1) append, no growth, oldest first.
struct RollingWindow: Sendable, Hashable, Codable {
    let capacity: Int
    private var storage: [Double]
    /// Index in `storage` of the oldest element.
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        storage = Array(repeating: 0, count: capacity)
    }

    var isFull: Bool { count == capacity }

    /// The oldest element; the window must not be empty.
    var oldest: Double { storage[head] }

    /// The `index`-th element, oldest first.
    subscript(index: Int) -> Double {
        var position = head + index
        if position >= capacity { position -= capacity }
        return storage[position]
    }

    /// Appends `input`; when the window was full, drops the oldest element and returns it.
    @discardableResult @inline(__always)
    mutating func append(_ input: Double) -> Double? {
        if count < capacity {
            var position = head + count
            if position >= capacity { position -= capacity }
            storage[position] = input
            count += 1
            return nil
        }
        let dropped = storage[head]
        storage[head] = input
        head += 1
        if head == capacity { head = 0 }
        return dropped
    }
}

/// TA-Lib's tests for "zero" and "zero or negative" (it compares against 1e-8 to absorb
/// rounding in running sums); matching them keeps outputs equal to TA-Lib's at the edges.
enum TALibTolerance {
    /// Magnitudes below this count as zero.
    static let zeroBound = 0.000_000_01
    static func isZero(_ value: Double) -> Bool { -zeroBound < value && value < zeroBound }
    static func isZeroOrNegative(_ value: Double) -> Bool { value < zeroBound }
}
