/// Times catalogue indicators (all by default) over one series: the batch pass (every output column over
/// the series, already laid out as columns as TA-Lib's callers pass them) and the bare
/// incremental update, per bar. Best of `runs`, wall-clock.
public enum IndicatorBenchmark {
    public struct Result: Sendable {
        public let name: String
        public let batchMilliseconds: Double
        public let updateNanosecondsPerBar: Double
    }

    public static func run(_ entries: [IndicatorEntry] = IndicatorCatalog.all, bars: [PriceBar], runs: Int = 5) -> [Result] {
        let series = BarSeries(bars)
        return entries.map { entry in
            let batch = best(of: runs) { keep(entry.batch(series)[0].last) }
            let stream = entry.stream(bars)
            let update = best(of: runs) { keep(stream()) }
            return Result(
                name: entry.name, batchMilliseconds: milliseconds(batch),
                updateNanosecondsPerBar: milliseconds(update) * 1_000_000 / Double(max(bars.count, 1)))
        }
    }

    /// A deterministic random walk of `count` one-minute bars around 30 000 (a linear
    /// congruential generator, so every run and machine sees the same series).
    public static func syntheticBars(count: Int) -> [PriceBar] {
        var state: UInt64 = 42
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        var close = 30_000.0
        return (0..<count).map { index in
            let open = close
            close = open * (1 + (uniform() - 0.5) * 0.004)
            let high = max(open, close) * (1 + uniform() * 0.001)
            let low = min(open, close) * (1 - uniform() * 0.001)
            return PriceBar(openTime: Int64(index) * 60_000, open: open, high: high, low: low, close: close, volume: 1 + uniform() * 10)
        }
    }

    /// Takes a result the optimiser must therefore compute.
    @inline(never) @_optimize(none)
    private static func keep(_ value: Double?) {}

    private static func best(of runs: Int, _ work: () -> Void) -> Duration {
        let clock = ContinuousClock()
        return (0..<max(runs, 1)).map { _ in clock.measure(work) }.min()!
    }

    private static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}
