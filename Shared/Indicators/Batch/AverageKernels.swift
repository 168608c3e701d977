// Batch kernels: each computes a whole series at once in tight loops over contiguous columns,
// performing the same floating-point operations in the same order as the indicator's `update`,
// so the values are equal bit for bit (tests hold them to that). No value yet is NaN.

extension SMA {
    /// The SMA of every input (NaN before the `period`-th).
    public static func batch(_ input: [Double], period: Int) -> [Double] {
        precondition(period >= 1, "SMA period must be at least 1, got \(period)")
        return input.withUnsafeBufferPointer { x in
            outputColumn(x.count) { out in
                let warmUp = min(period - 1, x.count)
                var total = 0.0
                for i in 0..<warmUp {
                    total += x[i]
                    out[i] = .nan
                }
                let n = Double(period)
                // The first full window has no input leaving it.
                @inline(__always) func step(_ i: Int, departing: Double?) {
                    total = windowTotal(total, adding: x[i], removing: departing, period: period)
                    out[i] = total / n
                }
                if x.count >= period { step(period - 1, departing: nil) }
                for i in stride(from: period, to: x.count, by: 1) { step(i, departing: x[i - period]) }
            }
        }
    }
}

extension EMA {
    /// The EMA of every input (NaN before the `period`-th, which is the mean of the first `period`).
    public static func batch(_ input: [Double], period: Int) -> [Double] {
        precondition(period >= 1, "EMA period must be at least 1, got \(period)")
        return input.withUnsafeBufferPointer { x in
            outputColumn(x.count) { out in
                guard x.count >= period else { return out.initialize(repeating: .nan) }
                var sum = 0.0
                for i in 0..<period - 1 {
                    sum += x[i]
                    out[i] = .nan
                }
                sum += x[period - 1]
                var value = sum / Double(period)
                out[period - 1] = value
                let smoothing = 2.0 / Double(period + 1), decay = 1 - smoothing
                for i in period..<x.count {
                    value = smoothingStep(value, kept: decay, input: x[i], weight: smoothing)
                    out[i] = value
                }
            }
        }
    }
}

extension WMA {
    /// The WMA of every input (NaN before the `period`-th).
    public static func batch(_ input: [Double], period: Int) -> [Double] {
        precondition(period >= 1, "WMA period must be at least 1, got \(period)")
        return input.withUnsafeBufferPointer { x in
            outputColumn(x.count) { out in
                let warmUp = min(period - 1, x.count)
                var plainSum = 0.0, shiftedSum = 0.0
                for i in 0..<warmUp {
                    plainSum += x[i]
                    shiftedSum += x[i] * Double(i + 1)
                    out[i] = .nan
                }
                let weight = Double(period), divisor = Double(period * (period + 1)) / 2
                // The first full window has no input leaving it.
                @inline(__always) func step(_ i: Int, departing: Double?) {
                    plainSum = windowTotal(plainSum, adding: x[i], removing: departing, period: period)
                    let weighted = x[i] * weight
                    out[i] = (shiftedSum + weighted) / divisor
                    shiftedSum += weighted - plainSum
                }
                if x.count >= period { step(period - 1, departing: nil) }
                for i in stride(from: period, to: x.count, by: 1) { step(i, departing: x[i - period]) }
            }
        }
    }
}

extension MACD {
    /// MACD line, signal and histogram of every input, as columns in that order (NaN before
    /// input `slow + signal − 1`).
    public static func batch(_ input: [Double], fast: Int = 12, slow: Int = 26, signal: Int = 9) -> [[Double]] {
        precondition(fast >= 1 && signal >= 1 && fast < slow, "MACD needs 1 ≤ fast < slow and signal ≥ 1")
        return input.withUnsafeBufferPointer { x in
            outputColumns(x.count) { line, signalOut, histogram in
                let firstLine = slow - 1, firstSignal = slow + signal - 2
                guard x.count > firstSignal else {
                    for column in [line, signalOut, histogram] { column.initialize(repeating: .nan) }
                    return
                }
                // Both EMAs seed on the same input: the fast one skips the first slow − fast.
                var slowSum = 0.0, fastSum = 0.0
                for i in 0...firstLine {
                    slowSum += x[i]
                    if i >= slow - fast { fastSum += x[i] }
                }
                var slowValue = slowSum / Double(slow), fastValue = fastSum / Double(fast)
                let slowSmoothing = 2.0 / Double(slow + 1), fastSmoothing = 2.0 / Double(fast + 1)
                let signalSmoothing = 2.0 / Double(signal + 1)
                let slowDecay = 1 - slowSmoothing, fastDecay = 1 - fastSmoothing, signalDecay = 1 - signalSmoothing
                // The signal seeds on the mean of the first `signal` MACD values. That warm-up has a
                // loop of its own: in one loop with the rest, the compiler computed the seeding
                // division on every bar and chose between it and the smoothing step, which put the
                // division on the bar-to-bar chain.
                var signalSum = 0.0, macd = 0.0
                for i in firstLine...firstSignal {
                    if i > firstLine {
                        slowValue = smoothingStep(slowValue, kept: slowDecay, input: x[i], weight: slowSmoothing)
                        fastValue = smoothingStep(fastValue, kept: fastDecay, input: x[i], weight: fastSmoothing)
                    }
                    macd = fastValue - slowValue
                    signalSum += macd
                }
                var signalValue = signalSum / Double(signal)
                line[firstSignal] = macd
                signalOut[firstSignal] = signalValue
                histogram[firstSignal] = macd - signalValue
                for i in firstSignal + 1..<x.count {
                    slowValue = smoothingStep(slowValue, kept: slowDecay, input: x[i], weight: slowSmoothing)
                    fastValue = smoothingStep(fastValue, kept: fastDecay, input: x[i], weight: fastSmoothing)
                    let macd = fastValue - slowValue
                    signalValue = smoothingStep(signalValue, kept: signalDecay, input: macd, weight: signalSmoothing)
                    line[i] = macd
                    signalOut[i] = signalValue
                    histogram[i] = macd - signalValue
                }
                for column in [line, signalOut, histogram] {
                    UnsafeMutableBufferPointer(rebasing: column[..<firstSignal]).initialize(repeating: .nan)
                }
            }
        }
    }
}
