#if os(Linux)
import Glibc
#endif

/// A series of bars as columns, the layout the batch kernels read (and TA-Lib's callers pass):
/// one contiguous array per field.
public struct BarSeries: Sendable {
    public let openTime: [Int64]
    public let open: [Double]
    public let high: [Double]
    public let low: [Double]
    public let close: [Double]
    public let volume: [Double]

    public init(_ bars: [PriceBar]) {
        openTime = bars.map(\.openTime)
        open = bars.map(\.open)
        high = bars.map(\.high)
        low = bars.map(\.low)
        close = bars.map(\.close)
        volume = bars.map(\.volume)
    }

    public var count: Int { close.count }

    /// The bars again, for indicators that have no batch kernel and run bar by bar.
    public var bars: [PriceBar] {
        close.indices.map {
            PriceBar(openTime: openTime[$0], open: open[$0], high: high[$0], low: low[$0], close: close[$0], volume: volume[$0])
        }
    }
}

/// A column of `count` outputs written by `fill`, which must set every element (NaN where the
/// indicator has no value yet).
@inline(__always)
func outputColumn(_ count: Int, _ fill: (UnsafeMutableBufferPointer<Double>) -> Void) -> [Double] {
    Array(unsafeUninitializedCapacity: count) { buffer, initialized in
        adviseHugePages(buffer)
        fill(buffer)
        initialized = count
    }
}

/// Asks the kernel to back a large column with huge pages, as NumPy does for the arrays TA-Lib
/// writes: a fresh million-value column then takes a handful of page faults instead of ~2,000,
/// which cost more than computing most indicators. Only whole 2 MiB pages inside the column are
/// advised; elsewhere (or where the kernel declines) nothing changes.
private func adviseHugePages(_ buffer: UnsafeMutableBufferPointer<Double>) {
    #if os(Linux)
    let hugePage = 2 << 20
    guard let base = buffer.baseAddress, buffer.count * MemoryLayout<Double>.stride >= 2 * hugePage else { return }
    let start = (Int(bitPattern: base) + hugePage - 1) & ~(hugePage - 1)
    let end = Int(bitPattern: base + buffer.count) & ~(hugePage - 1)
    if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE) }
    #endif
}

/// Two columns of `count` outputs written together by `fill` (same contract).
@inline(__always)
func outputColumns(
    _ count: Int, _ fill: (UnsafeMutableBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void
) -> [[Double]] {
    var second: [Double] = []
    let first = outputColumn(count) { a in second = outputColumn(count) { b in fill(a, b) } }
    return [first, second]
}

/// Three columns of `count` outputs written together by `fill` (same contract).
@inline(__always)
func outputColumns(
    _ count: Int,
    _ fill: (UnsafeMutableBufferPointer<Double>, UnsafeMutableBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void
) -> [[Double]] {
    var second: [Double] = [], third: [Double] = []
    let first = outputColumn(count) { a in
        second = outputColumn(count) { b in third = outputColumn(count) { c in fill(a, b, c) } }
    }
    return [first, second, third]
}
