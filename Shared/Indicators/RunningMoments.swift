#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// The mean and population variance of the last `period` inputs, from running sums of the
/// inputs and their squares kept in TA-Lib's order (add the input, read, then take out the
/// oldest), so that values built on them match TA-Lib's.
struct RunningMoments: Sendable, Hashable, Codable {
    private var window: RollingWindow
    private var total = 0.0
    private var totalOfSquares = 0.0

    init(period: Int) {
        window = RollingWindow(capacity: period)
    }

    /// Adds `input`; nil until `period` inputs were seen.
    mutating func add(_ input: Double) -> (mean: Double, variance: Double)? {
        total += input
        totalOfSquares += input * input
        window.append(input)
        guard window.isFull else { return nil }
        let count = Double(window.capacity)
        let mean = total / count
        let meanOfSquares = totalOfSquares / count
        let oldest = window.oldest
        total -= oldest
        totalOfSquares -= oldest * oldest
        return (mean, meanOfSquares - mean * mean)
    }

    /// √variance, or 0 for a variance TA-Lib treats as zero (below 1e-8).
    static func deviation(_ variance: Double) -> Double {
        TALibTolerance.isZeroOrNegative(variance) ? 0 : variance.squareRoot()
    }

    /// `deviation` of two variances at once, for batch kernels. On Linux `squareRoot()` is
    /// libm's `sqrt` (it sets `errno` on a negative input), which the compiler will not pack;
    /// on x86-64 this takes both roots in one `sqrtpd`, with results identical to `deviation`'s
    /// (a square root is correctly rounded either way), and halves the time the divider spends
    /// on roots.
    @inline(__always)
    static func deviations(_ variances: SIMD2<Double>) -> SIMD2<Double> {
        #if arch(x86_64)
        let roots = _mm_sqrt_pd(variances)
        return roots.replacing(with: 0, where: variances .< SIMD2(repeating: TALibTolerance.zeroBound))
        #else
        return SIMD2(deviation(variances[0]), deviation(variances[1]))
        #endif
    }
}
