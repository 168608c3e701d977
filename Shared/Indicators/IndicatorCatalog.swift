import Foundation

/// Every indicator with its standard settings, by the names `keel indicators` writes as CSV
/// columns and `keel bench indicators` reports. One entry per indicator; an indicator with
/// several outputs has a column for each. Each runs two ways: bar by bar through `update`
/// (what services do) and over a whole series at once (`batch`), with equal values.
public struct IndicatorEntry: Sendable {
    /// The indicator and its settings, e.g. `sma_20`.
    public let name: String
    /// One column name per output, e.g. `bb_upper`, `bb_middle`, `bb_lower`.
    public let columns: [String]
    /// The outputs over `bars` fed one at a time, one array per column, one value per bar (nil
    /// during warm-up).
    public let incremental: @Sendable ([PriceBar]) -> [[Double?]]
    /// The same outputs computed over the whole series at once (NaN during warm-up): the
    /// indicator's batch kernel where it has one, else `incremental`.
    public let batch: @Sendable (BarSeries) -> [[Double]]
    /// For timing the incremental update: takes each bar's input out of `bars` and returns a run
    /// that feeds them one at a time, returning a checksum of the last outputs (so the work cannot
    /// be optimised away). The inputs are read before the run, as a service has them before it
    /// calls `update`.
    public let stream: @Sendable ([PriceBar]) -> () -> Double

    init<I: Indicator>(
        _ name: String, _ make: @escaping @Sendable () -> I, input: @escaping @Sendable (PriceBar) -> I.Input,
        columns: [IndicatorColumn<I.Output>], batch: (@Sendable (BarSeries) -> [[Double]])? = nil
    ) {
        self.init(name, scaledTo: { _ in make() }, input: input, columns: columns, batch: batch)
    }

    /// For an indicator whose settings depend on the series' price scale (read from its first bar only).
    init<I: Indicator>(
        _ name: String, scaledTo make: @escaping @Sendable (PriceBar?) -> I, input: @escaping @Sendable (PriceBar) -> I.Input,
        columns: [IndicatorColumn<I.Output>], batch: (@Sendable (BarSeries) -> [[Double]])? = nil
    ) {
        self.name = name
        self.columns = columns.map(\.name)
        let readers = columns.map(\.read)
        let incremental: @Sendable ([PriceBar]) -> [[Double?]] = { bars in
            var indicator = make(bars.first)
            var outputs = Array(repeating: [Double?](), count: readers.count)
            for index in outputs.indices { outputs[index].reserveCapacity(bars.count) }
            for bar in bars {
                let output = indicator.update(input(bar))
                for (index, read) in readers.enumerated() { outputs[index].append(output.flatMap(read)) }
            }
            return outputs
        }
        self.incremental = incremental
        self.batch = batch ?? { series in incremental(series.bars).map { column in column.map { $0 ?? .nan } } }
        let first = readers[0]
        stream = { bars in
            let inputs = bars.map(input)
            let initial = make(bars.first)
            return {
                var indicator = initial
                // Each output is stored in a small ring that is summed afterwards, so every one must
                // be computed; a store costs less than reading a column (a closure call) each bar.
                var recent = [I.Output?](repeating: nil, count: 1024)
                recent.withUnsafeMutableBufferPointer { recent in
                    for (index, input) in inputs.enumerated() { recent[index & 1023] = indicator.update(input) }
                }
                return recent.reduce(0) { $0 + ($1.flatMap(first) ?? 0) }
            }
        }
    }
}

/// One output of an indicator: its column name and how to read it from the indicator's value.
struct IndicatorColumn<Output>: Sendable {
    let name: String
    let read: @Sendable (Output) -> Double?

    init(_ name: String, _ read: @escaping @Sendable (Output) -> Double?) {
        self.name = name
        self.read = read
    }
}

public enum IndicatorCatalog {
    public static let all: [IndicatorEntry] = [
        IndicatorEntry(
            "sma_20", { SMA(period: 20) }, input: { $0.close }, columns: [.init("sma_20", { $0 })],
            batch: { [SMA.batch($0.close, period: 20)] }),
        IndicatorEntry(
            "ema_20", { EMA(period: 20) }, input: { $0.close }, columns: [.init("ema_20", { $0 })],
            batch: { [EMA.batch($0.close, period: 20)] }),
        IndicatorEntry(
            "wma_20", { WMA(period: 20) }, input: { $0.close }, columns: [.init("wma_20", { $0 })],
            batch: { [WMA.batch($0.close, period: 20)] }),
        IndicatorEntry(
            "macd", { MACD() }, input: { $0.close },
            columns: [.init("macd", { $0.macd }), .init("macd_signal", { $0.signal }), .init("macd_hist", { $0.histogram })],
            batch: { MACD.batch($0.close) }),
        IndicatorEntry(
            "rsi_14", { RSI(period: 14) }, input: { $0.close }, columns: [.init("rsi_14", { $0 })],
            batch: { [RSI.batch($0.close, period: 14)] }),
        IndicatorEntry(
            "atr_14", { ATR(period: 14) }, input: { $0 }, columns: [.init("atr_14", { $0 })],
            batch: { [ATR.batch($0, period: 14)] }),
        IndicatorEntry(
            "bbands_20", { BollingerBands() }, input: { $0.close },
            columns: [.init("bb_upper", { $0.upper }), .init("bb_middle", { $0.middle }), .init("bb_lower", { $0.lower })],
            batch: { BollingerBands.batch($0.close) }),
        IndicatorEntry(
            "stoch", { Stochastic() }, input: { $0 }, columns: [.init("stoch_k", { $0.k }), .init("stoch_d", { $0.d })],
            batch: { Stochastic.batch($0) }),
        IndicatorEntry(
            "adx_14", { DirectionalMovement(period: 14) }, input: { $0 },
            columns: [.init("adx_14", { $0.adx }), .init("plus_di_14", { $0.plusDI }), .init("minus_di_14", { $0.minusDI })],
            batch: { DirectionalMovement.batch($0, period: 14) }),
        IndicatorEntry("obv", { OBV() }, input: { $0 }, columns: [.init("obv", { $0 })], batch: { [OBV.batch($0)] }),
        IndicatorEntry(
            "stddev_20", { StandardDeviation(period: 20) }, input: { $0.close }, columns: [.init("stddev_20", { $0 })],
            batch: { [StandardDeviation.batch($0.close, period: 20)] }),
        IndicatorEntry(
            "correl_30", { Correlation(period: 30) }, input: { Correlation.Pair($0.high, $0.low) },
            columns: [.init("correl_high_low_30", { $0 })], batch: { [Correlation.batch($0.high, $0.low, period: 30)] }),
        IndicatorEntry("volatility_20", { RollingVolatility(period: 20) }, input: { $0.close }, columns: [.init("volatility_20", { $0 })]),
        IndicatorEntry("zscore_20", { ZScore(period: 20) }, input: { $0.close }, columns: [.init("zscore_20", { $0 })]),
        IndicatorEntry("vwap_day", { VWAP() }, input: { $0 }, columns: [.init("vwap_day", { $0 })]),
        IndicatorEntry(
            "ichimoku", { Ichimoku() }, input: { $0 },
            columns: [
                .init("ichimoku_tenkan", { $0.tenkan }), .init("ichimoku_kijun", { $0.kijun }), .init("ichimoku_senkou_a", { $0.senkouA }),
                .init("ichimoku_senkou_b", { $0.senkouB }), .init("ichimoku_leading_a", { $0.leadingA }),
                .init("ichimoku_leading_b", { $0.leadingB }), .init("ichimoku_chikou", { $0.chikou }),
                .init("ichimoku_chikou_reference", { $0.chikouReference }),
            ]),
        IndicatorEntry(
            "volume_profile_100", scaledTo: { VolumeProfile(window: 100, bucketSize: bucketSize(near: $0?.close ?? 1)) }, input: { $0 },
            columns: [
                .init("vp_poc", { $0.pointOfControl }), .init("vp_value_area_low", { $0.valueAreaLow }),
                .init("vp_value_area_high", { $0.valueAreaHigh }),
            ]),
        IndicatorEntry(
            "support_resistance", { SupportResistance() }, input: { $0 },
            columns: [.init("sr_support", { $0.support?.price }), .init("sr_resistance", { $0.resistance?.price })]),
    ]

    /// A round bucket (1, 2 or 5 times a power of ten) of about 0.1 % of `price`.
    static func bucketSize(near price: Double) -> Double {
        let target = max(abs(price), .leastNormalMagnitude) / 1000
        let power = pow(10, (log10(target)).rounded(.down))
        return [1.0, 2, 5, 10].map { $0 * power }.min { abs($0 - target) < abs($1 - target) }!
    }
}
