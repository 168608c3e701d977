/// The first index in `0..<count` at which `isAtOrAbove` holds (a predicate false for a
/// prefix of the indices and true after it), or `count`: a binary search. Each step halves the
/// range without a branch on the comparison, so the number of steps depends on the count alone
/// and the loop is predicted right, where a search that stops early is not.
@inline(__always)
func partitionPoint(count: Int, where isAtOrAbove: (Int) -> Bool) -> Int {
    // The answer is always in base...base + length.
    var base = 0, length = count
    // Wrapping arithmetic (the values stay within `0...count`): a checked add on one arm of the
    // choice would keep the compiler from making it a conditional move.
    while length > 1 {
        let half = length &>> 1, probe = base &+ half
        base = isAtOrAbove(probe) ? base : probe
        length &-= half
    }
    return length == 1 && !isAtOrAbove(base) ? base &+ 1 : base
}

extension RandomAccessCollection where Index == Int {
    /// The first index whose element satisfies `isAtOrAbove` (see `partitionPoint(count:where:)`),
    /// or `endIndex`.
    @inline(__always)
    func partitionPoint(where isAtOrAbove: (Element) -> Bool) -> Int {
        startIndex + Indicators.partitionPoint(count: count) { isAtOrAbove(self[startIndex + $0]) }
    }
}
