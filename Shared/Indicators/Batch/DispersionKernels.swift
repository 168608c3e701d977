// Batch kernels (see AverageKernels.swift for the contract).

/// Runs `RunningMoments` over `x`: `emit(i, mean, variance)` for every input from the
/// `period`-th on, `warmUp(i)` before it.
@inline(__always)
private func movingMoments(
    _ x: UnsafeBufferPointer<Double>, period: Int, warmUp: (Int) -> Void, emit: (Int, Double, Double) -> Void
) {
    var total = 0.0, totalOfSquares = 0.0
    let firstFull = min(period - 1, x.count)
    for i in 0..<firstFull {
        total += x[i]
        totalOfSquares += x[i] * x[i]
        warmUp(i)
    }
    let count = Double(period)
    for i in firstFull..<x.count {
        total += x[i]
        totalOfSquares += x[i] * x[i]
        let mean = total / count
        let meanOfSquares = totalOfSquares / count
        let oldest = x[i + 1 - period]
        total -= oldest
        totalOfSquares -= oldest * oldest
        emit(i, mean, meanOfSquares - mean * mean)
    }
}

extension StandardDeviation {
    /// The population standard deviation (× `deviations`) of every window (NaN before the `period`-th input).
    public static func batch(_ input: [Double], period: Int, deviations: Double = 1) -> [Double] {
        precondition(period >= 1, "standard deviation period must be at least 1, got \(period)")
        return input.withUnsafeBufferPointer { x in
            outputColumn(x.count) { out in
                movingMoments(x, period: period, warmUp: { out[$0] = .nan }) { i, _, variance in
                    out[i] = RunningMoments.deviation(variance) * deviations
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
                movingMoments(x, period: period, warmUp: { upper[$0] = .nan; middle[$0] = .nan; lower[$0] = .nan }) { i, mean, variance in
                    let deviation = RunningMoments.deviation(variance)
                    upper[i] = mean + deviation * deviationsUp
                    middle[i] = mean
                    lower[i] = mean - deviation * deviationsDown
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
