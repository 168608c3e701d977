// Batch kernels (see AverageKernels.swift for the contract).

/// Writes Wilder's average of `input(i)` for i in 1..<count into `out` as `WilderAverage` computes
/// it: NaN until the mean of the first `period` inputs (at index `period`), then Wilder's step. `out[0]` is NaN: index 0 has no input (no previous bar).
@inline(__always)
private func wilderSeries(
    count: Int, period: Int, into out: UnsafeMutableBufferPointer<Double>, _ input: (Int) -> Double
) {
    guard count > 0 else { return }
    out[0] = .nan
    var sum = 0.0
    for i in 1..<min(period, count) {
        sum += input(i)
        out[i] = .nan
    }
    guard count > period else { return }
    let retained = WilderAverage.retained(period), weight = WilderAverage.weight(period)
    sum += input(period)
    var value = sum / Double(period)
    out[period] = value
    for i in (period + 1)..<count {
        value = smoothingStep(value, kept: retained, input: input(i), weight: weight)
        out[i] = value
    }
}

extension RSI {
    /// The RSI of every input (NaN before input `period + 1`).
    public static func batch(_ input: [Double], period: Int = 14) -> [Double] {
        precondition(period >= 1, "RSI period must be at least 1, got \(period)")
        return input.withUnsafeBufferPointer { x in
            outputColumn(x.count) { out in
                guard x.count > period else { return out.initialize(repeating: .nan) }
                for i in 0..<period { out[i] = .nan }
                var gainSum = 0.0, lossSum = 0.0
                for i in 1...period {
                    let change = x[i] - x[i - 1]
                    gainSum += max(change, 0)
                    lossSum += max(-change, 0)
                }
                let n = Double(period)
                let retained = WilderAverage.retained(period), weight = WilderAverage.weight(period)
                var gain = gainSum / n, loss = lossSum / n
                for i in period..<x.count {
                    if i > period {
                        let change = x[i] - x[i - 1]
                        gain = smoothingStep(gain, kept: retained, input: max(change, 0), weight: weight)
                        loss = smoothingStep(loss, kept: retained, input: max(-change, 0), weight: weight)
                    }
                    let total = gain + loss
                    out[i] = total > 0 ? 100 * (gain / total) : 0
                }
            }
        }
    }
}

extension ATR {
    /// The ATR of every bar (NaN before bar `period + 1`).
    public static func batch(_ series: BarSeries, period: Int = 14) -> [Double] {
        precondition(period >= 1, "ATR period must be at least 1, got \(period)")
        return series.high.withUnsafeBufferPointer { high in
            series.low.withUnsafeBufferPointer { low in
                series.close.withUnsafeBufferPointer { close in
                    outputColumn(close.count) { out in
                        wilderSeries(count: close.count, period: period, into: out) { i in
                            let previousClose = close[i - 1]
                            return max(high[i] - low[i], abs(high[i] - previousClose), abs(low[i] - previousClose))
                        }
                    }
                }
            }
        }
    }
}

extension Stochastic {
    /// Slow %K and %D of every bar, as columns in that order (NaN before bar
    /// `kPeriod + kSmoothing + dPeriod − 2`). The window's extremes are found as TA-Lib finds
    /// them: the extreme's position is remembered and the window rescanned only once it leaves.
    public static func batch(_ series: BarSeries, kPeriod: Int = 5, kSmoothing: Int = 3, dPeriod: Int = 3) -> [[Double]] {
        precondition(kPeriod >= 1 && kSmoothing >= 1 && dPeriod >= 1, "stochastic periods must be at least 1")
        return series.high.withUnsafeBufferPointer { high in
            series.low.withUnsafeBufferPointer { low in
                series.close.withUnsafeBufferPointer { close in
                    outputColumns(close.count) { kOut, dOut in
                        var highestAt = -1, lowestAt = -1
                        var kTotal = 0.0, kSeen = 0, dTotal = 0.0, dSeen = 0
                        // The smoothing windows' inputs, to take out the oldest (rings of their periods).
                        var fastKs = [Double](repeating: 0, count: kSmoothing), slowKs = [Double](repeating: 0, count: dPeriod)
                        for i in 0..<close.count {
                            let start = max(i + 1 - kPeriod, 0)
                            if highestAt < start {
                                highestAt = start
                                for j in start...i where high[j] >= high[highestAt] { highestAt = j }
                            } else if high[i] >= high[highestAt] {
                                highestAt = i
                            }
                            if lowestAt < start {
                                lowestAt = start
                                for j in start...i where low[j] <= low[lowestAt] { lowestAt = j }
                            } else if low[i] <= low[lowestAt] {
                                lowestAt = i
                            }
                            kOut[i] = .nan
                            dOut[i] = .nan
                            guard i >= kPeriod - 1 else { continue }
                            let lowest = low[lowestAt]
                            let range = (high[highestAt] - lowest) / 100
                            let fastK = range != 0 ? (close[i] - lowest) / range : 0
                            // Slow %K: the SMA of fast %K, kept as `SMA` keeps it.
                            let kSlot = kSeen % kSmoothing
                            kTotal = windowTotal(kTotal, adding: fastK, removing: kSeen >= kSmoothing ? fastKs[kSlot] : nil, period: kSmoothing)
                            fastKs[kSlot] = fastK
                            kSeen += 1
                            guard kSeen >= kSmoothing else { continue }
                            let k = kTotal / Double(kSmoothing)
                            let dSlot = dSeen % dPeriod
                            dTotal = windowTotal(dTotal, adding: k, removing: dSeen >= dPeriod ? slowKs[dSlot] : nil, period: dPeriod)
                            slowKs[dSlot] = k
                            dSeen += 1
                            guard dSeen >= dPeriod else { continue }
                            kOut[i] = k
                            dOut[i] = dTotal / Double(dPeriod)
                        }
                    }
                }
            }
        }
    }
}

extension DirectionalMovement {
    /// ADX, +DI and −DI of every bar, as columns in that order (the DIs from bar `period + 1`,
    /// ADX from bar `2·period`; NaN before).
    public static func batch(_ series: BarSeries, period: Int = 14) -> [[Double]] {
        precondition(period >= 2, "directional movement period must be at least 2, got \(period)")
        return series.high.withUnsafeBufferPointer { high in
            series.low.withUnsafeBufferPointer { low in
                series.close.withUnsafeBufferPointer { close in
                    outputColumns(close.count) { adxOut, plusOut, minusOut in
                        guard !close.isEmpty else { return }
                        adxOut[0] = .nan
                        plusOut[0] = .nan
                        minusOut[0] = .nan
                        let n = Double(period)
                        var plusDM = 0.0, minusDM = 0.0, trueRange = 0.0, sumDX = 0.0
                        var adx = Double.nan
                        for i in 1..<close.count {
                            let moves = i
                            let rise = high[i] - high[i - 1]
                            let fall = low[i - 1] - low[i]
                            let range = max(high[i] - low[i], abs(high[i] - close[i - 1]), abs(low[i] - close[i - 1]))
                            if moves < period {
                                if fall > 0 && rise < fall { minusDM += fall } else if rise > 0 && rise > fall { plusDM += rise }
                                trueRange += range
                                adxOut[i] = .nan
                                plusOut[i] = .nan
                                minusOut[i] = .nan
                                continue
                            }
                            minusDM -= minusDM / n
                            plusDM -= plusDM / n
                            if fall > 0 && rise < fall { minusDM += fall } else if rise > 0 && rise > fall { plusDM += rise }
                            trueRange = trueRange - trueRange / n + range
                            var plusDI = 0.0, minusDI = 0.0, dx = Double.nan
                            if !TALibTolerance.isZero(trueRange) {
                                minusDI = 100 * (minusDM / trueRange)
                                plusDI = 100 * (plusDM / trueRange)
                                let total = minusDI + plusDI
                                if !TALibTolerance.isZero(total) { dx = 100 * (abs(minusDI - plusDI) / total) }
                            }
                            if !adx.isNaN {
                                if !dx.isNaN { adx = (adx * (n - 1) + dx) / n }
                            } else {
                                sumDX += dx.isNaN ? 0 : dx
                                if moves == 2 * period - 1 { adx = sumDX / n }
                            }
                            adxOut[i] = adx
                            plusOut[i] = plusDI
                            minusOut[i] = minusDI
                        }
                    }
                }
            }
        }
    }
}
