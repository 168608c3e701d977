extension RandomAccessCollection where Index == Int {
    /// The first index whose element satisfies `isAtOrAbove` (a predicate false for a prefix of
    /// the collection and true after it), or `endIndex`: a binary search.
    @inline(__always)
    func partitionPoint(where isAtOrAbove: (Element) -> Bool) -> Int {
        var low = startIndex, high = endIndex
        while low < high {
            let middle = (low + high) / 2
            if isAtOrAbove(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
