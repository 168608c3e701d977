extension RandomAccessCollection where Index == Int {
    /// The first index whose element satisfies `isAtOrAbove` (a predicate false for a prefix of
    /// the collection and true after it), or `endIndex`: a binary search. Each step halves the
    /// range without a branch on the comparison, so the number of steps depends on the count
    /// alone and the loop is predicted right, where a search that stops early is not.
    @inline(__always)
    func partitionPoint(where isAtOrAbove: (Element) -> Bool) -> Int {
        // The answer is always in base...base + length.
        var base = startIndex, length = count
        while length > 1 {
            let half = length / 2
            base = isAtOrAbove(self[base + half]) ? base : base + half
            length -= half
        }
        return length == 1 && !isAtOrAbove(self[base]) ? base + 1 : base
    }
}
