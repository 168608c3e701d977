/// Runs `body` over the `count` values at `values` four at a time: each chunk, and which of its
/// lanes are among the `count`. The last chunk reads up to three values past the `count` (the
/// caller's buffer must hold them); they come masked out.
@inline(__always)
func forEachFour(
    _ values: UnsafePointer<Double>, count: Int, _ body: (_ chunk: SIMD4<Double>, _ inRange: SIMDMask<SIMD4<Int64>>) -> Void
) {
    let end = SIMD4(repeating: Int64(count))
    var positions = SIMD4<Int64>(0, 1, 2, 3), start = 0
    while start < count {
        body(loadFour(values + start), positions .< end)
        positions &+= 4
        start &+= 4
    }
}

/// The four values from `values` on, read in one (unaligned) load.
@inline(__always)
func loadFour(_ values: UnsafePointer<Double>) -> SIMD4<Double> {
    UnsafeRawPointer(values).loadUnaligned(as: SIMD4<Double>.self)
}

/// Writes `chunk` to the four slots from `values` on, in one (unaligned) store.
@inline(__always)
func storeFour(_ chunk: SIMD4<Double>, to values: UnsafeMutablePointer<Double>) {
    UnsafeMutableRawPointer(values).storeBytes(of: chunk, as: SIMD4<Double>.self)
}
