import Core

/// What the signals service runs its strategy on.
public struct SignalsConfig: Sendable, Equatable {
    /// The timeframe whose closed candles feed the strategy; one of `markets.timeframes`.
    public var timeframe: Timeframe
    /// Closed candles read back from the candle store to warm a strategy up before it may fire.
    public var warmUpBars: Int
}

extension SignalsConfig {
    init(reading reader: ConfigReader, markets: MarketsConfig) throws {
        let label = try reader.string("signals.timeframe", default: markets.timeframes[0].label)
        guard let timeframe = Timeframe(label: label) else {
            throw ConfigError(field: "signals.timeframe", reason: "\"\(label)\" is not one of \(Timeframe.allCases.map(\.label))")
        }
        guard markets.timeframes.contains(timeframe) else {
            throw ConfigError(
                field: "signals.timeframe",
                reason: "\(label) is not in markets.timeframes \(markets.timeframes.map(\.label)): marketdata would never publish it")
        }
        self.timeframe = timeframe
        // MACD 26/9 needs 34 bars before its first value; fewer could never fire.
        warmUpBars = try reader.int("signals.warmup_bars", default: 300, in: 50...100_000)
    }
}
