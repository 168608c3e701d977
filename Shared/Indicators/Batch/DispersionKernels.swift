// Batch kernels (see AverageKernels.swift for the contract).

/// Runs `RunningMoments` over `x`, two inputs at a time: `emit(i, lanes, means, variances)` for
/// inputs `i ..< i + lanes` (`lanes` is 2, or 1 for a last odd input) from the `period`-th on,
/// `warmUp(i)` before it. The running sums stay one serial chain in TA-Lib's order; only the
/// divisions and what follows them go two at a time, which is what bounds the loop.
@inline(__always)
private func movingMoments(
    _ x: UnsafeBufferPointer<Double>, period: Int, warmUp: (Int) -> Void,
    emit: (Int, Int, SIMD2<Double>, SIMD2<Double>) -> Void
) {
    var total = 0.0, totalOfSquares = 0.0
    let firstFull = min(period - 1, x.count)
    for i in 0..<firstFull {
        total += x[i]
        totalOfSquares += x[i] * x[i]
        warmUp(i)
    }
    /// Adds input `i` and returns the window's sums, then takes out the oldest input.
    @inline(__always) func step(_ i: Int) -> (total: Double, totalOfSquares: Double) {
        total += x[i]
        totalOfSquares += x[i] * x[i]
        let sums = (total, totalOfSquares)
        let oldest = x[i + 1 - period]
        total -= oldest
        totalOfSquares -= oldest * oldest
        return sums
    }
    let counts = SIMD2(repeating: Double(period))
    var i = firstFull
    while i < x.count {
        let lanes = min(2, x.count - i)
        let first = step(i), second = lanes == 2 ? step(i + 1) : first
        let means = SIMD2(first.total, second.total) / counts
        let meansOfSquares = SIMD2(first.totalOfSquares, second.totalOfSquares) / counts
        emit(i, lanes, means, meansOfSquares - means * means)
        i += lanes
    }
}

extension StandardDeviation {
    /// The population standard deviation (× `deviations`) of every window (NaN before the `period`-th input).
    public static func batch(_ input: [Double], period: Int, deviations: Double = 1) -> [Double] {
        precondition(period >= 1, "standard deviation period must be at least 1, got \(period)")
        return input.withUnsafeBufferPointer { x in
            outputColumn(x.count) { out in
                movingMoments(x, period: period, warmUp: { out[$0] = .nan }) { i, lanes, _, variances in
                    let values = RunningMoments.deviations(variances) * deviations
                    for lane in 0..<lanes { out[i + lane] = values[lane] }
                }
            }
        }
    }
}

extension BollingerBands {
    /// Upper, middle and lower band of every input, as columns in that order (NaN before the `period`-th).
    public static func batch(_ input: [Double], period: Int = 20, deviationsUp: Double = 2, deviationsDown: Double = 2) -> [[Double]] {
        precondition(period >= 1, "Bollinger period must be at least 1, got \(period)")
        return input.withUnsafeBufferPointer { x in
            outputColumns(x.count) { upper, middle, lower in
                movingMoments(x, period: period, warmUp: { upper[$0] = .nan; middle[$0] = .nan; lower[$0] = .nan }) {
                    i, lanes, means, variances in
                    let deviation = RunningMoments.deviations(variances)
                    let uppers = means + deviation * deviationsUp, lowers = means - deviation * deviationsDown
                    for lane in 0..<lanes {
                        upper[i + lane] = uppers[lane]
                        middle[i + lane] = means[lane]
                        lower[i + lane] = lowers[lane]
                    }
                }
            }
        }
    }
}

extension Correlation {
    /// The correlation of `x` and `y` over every window of `period` pairs (NaN before the `period`-th).
    public static func batch(_ xs: [Double], _ ys: [Double], period: Int = 30) -> [Double] {
        precondition(period >= 1, "correlation period must be at least 1, got \(period)")
        precondition(xs.count == ys.count, "correlation needs series of the same length")
        return xs.withUnsafeBufferPointer { x in
            ys.withUnsafeBufferPointer { y in
                outputColumn(x.count) { out in
                    var sumX = 0.0, sumY = 0.0, sumXY = 0.0, sumX2 = 0.0, sumY2 = 0.0
                    let n = Double(period)
                    for i in 0..<x.count {
                        if i >= period {
                            let leavingX = x[i - period], leavingY = y[i - period]
                            sumX -= leavingX
                            sumX2 -= leavingX * leavingX
                            sumXY -= leavingX * leavingY
                            sumY -= leavingY
                            sumY2 -= leavingY * leavingY
                        }
                        sumX += x[i]
                        sumX2 += x[i] * x[i]
                        sumXY += x[i] * y[i]
                        sumY += y[i]
                        sumY2 += y[i] * y[i]
                        guard i >= period - 1 else {
                            out[i] = .nan
                            continue
                        }
                        let spread = (sumX2 - sumX * sumX / n) * (sumY2 - sumY * sumY / n)
                        out[i] = TALibTolerance.isZeroOrNegative(spread) ? 0 : (sumXY - sumX * sumY / n) / spread.squareRoot()
                    }
                }
            }
        }
    }
}

extension OBV {
    /// The on-balance volume of every bar (a value from the first).
    public static func batch(_ series: BarSeries) -> [Double] {
        series.close.withUnsafeBufferPointer { close in
            series.volume.withUnsafeBufferPointer { volume in
                outputColumn(close.count) { out in
                    guard !close.isEmpty else { return }
                    var value = volume[0]
                    out[0] = value
                    for i in 1..<close.count {
                        value = value + signedVolume(volume[i], close: close[i], previousClose: close[i - 1])
                        out[i] = value
                    }
                }
            }
        }
    }
}
