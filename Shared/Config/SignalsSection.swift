import Core
import Foundation

/// One strategy the signals service runs: a name (written into its intents and their ids), the
/// symbols and signal timeframe it trades, and its settings (a preset plus overrides).
public struct StrategyInstanceConfig: Sendable, Equatable {
    public var name: String
    public var symbols: [Symbol]
    public var timeframe: Timeframe
    /// The preset the settings started from, if any (name or path, as configured).
    public var preset: String?
    public var settings: StrategySettings

    public init(name: String, symbols: [Symbol], timeframe: Timeframe, preset: String? = nil, settings: StrategySettings) {
        self.name = name
        self.symbols = symbols
        self.timeframe = timeframe
        self.preset = preset
        self.settings = settings
    }

    /// Every timeframe whose candles the strategy reads: the signal's and the trend's.
    public var timeframes: [Timeframe] { [timeframe] + (settings.trend.enabled ? settings.trend.timeframes : []) }
}

/// What the signals service runs.
///
/// ```yaml
/// signals:
///   warmup_bars: 300
///   presets_dir: config/strategies     # where preset names are looked up
///   strategies:
///     btc_balanced:
///       preset: balanced               # config/strategies/balanced.yaml, or a path to a .yaml
///       symbols: [BTCUSDT]             # default: markets.symbols
///       timeframe: 15m                 # default: the first of markets.timeframes
///       stop: {atr_multiplier: 2}      # any preset field, overridden for this strategy
/// ```
/// Without `strategies`, one strategy named `macd_rsi` runs with the default settings on every
/// symbol and the first of `markets.timeframes`.
public struct SignalsConfig: Sendable, Equatable {
    /// Closed candles of each timeframe read back from the candle store to warm a strategy up.
    public var warmUpBars: Int
    public var strategies: [StrategyInstanceConfig]

    public init(warmUpBars: Int, strategies: [StrategyInstanceConfig]) {
        self.warmUpBars = warmUpBars
        self.strategies = strategies
    }
}

extension SignalsConfig {
    static let defaultStrategyName = "macd_rsi"

    init(reading reader: ConfigReader, markets: MarketsConfig) throws {
        // MACD 26/9 needs 34 bars before its first value; fewer could never fire.
        warmUpBars = try reader.int("signals.warmup_bars", default: 300, in: 50...100_000)
        let presetsDirectory = try reader.string("signals.presets_dir", default: "config/strategies")
        let names = reader.childNames(of: "signals.strategies")
        if names.isEmpty {
            strategies = [StrategyInstanceConfig(
                name: Self.defaultStrategyName, symbols: markets.symbols, timeframe: markets.timeframes[0],
                preset: nil, settings: StrategySettings())]
        } else {
            strategies = try names.map { name in
                try StrategyInstanceConfig(
                    name: name, source: reader.subtree("signals.strategies.\(name)"),
                    presetsDirectory: presetsDirectory, markets: markets)
            }
        }
    }
}

extension StrategyInstanceConfig {
    /// Reads `signals.strategies.<name>` (given as `source`, relative); errors name the full field.
    init(name: String, source: ConfigSource, presetsDirectory: String, markets: MarketsConfig) throws {
        let path = "signals.strategies.\(name)"
        guard name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }) else {
            throw ConfigError(field: path, reason: "strategy names are lower-case letters, digits and _")
        }
        let instance = ConfigReader(ConfigSource(
            fileValues: source.fileValues.filter { Self.instanceFields.contains($0.key) }, origin: source.origin))
        let preset = try prefixed(path) { try instance.optionalString("preset") }
        let symbols = try prefixed(path) {
            try instance.list("symbols", default: markets.symbols.map(\.rawValue)).map { text in
                let symbol = try Symbol(text)
                guard markets.symbols.contains(symbol) else {
                    throw ConfigError(field: "symbols", reason: "\(text) is not in markets.symbols \(markets.symbols.map(\.rawValue))")
                }
                return symbol
            }
        }
        let timeframe = try prefixed(path) { try Self.timeframe(instance.string("timeframe", default: markets.timeframes[0].label), markets) }

        var values = try prefixed(path) { try preset.map { try Self.presetValues($0, directory: presetsDirectory) } ?? [:] }
        for (key, value) in source.fileValues where !Self.instanceFields.contains(key) { values[key] = value }
        let settingsReader = ConfigReader(ConfigSource(fileValues: values, origin: source.origin))
        let settings = try prefixed(path) {
            let settings = try StrategySettings(reading: settingsReader)
            try settingsReader.rejectUnknownFields()
            for trend in settings.trend.timeframes {
                _ = try Self.timeframe(trend.label, markets, field: "trend.timeframes")
                guard trend.seconds > timeframe.seconds else {
                    throw ConfigError(field: "trend.timeframes", reason: "\(trend) is not longer than the signal timeframe \(timeframe)")
                }
            }
            return settings
        }
        guard !symbols.isEmpty else { throw ConfigError(field: "\(path).symbols", reason: "at least one symbol is needed") }
        self.init(name: name, symbols: symbols, timeframe: timeframe, preset: preset, settings: settings)
    }

    private static let instanceFields: Set<String> = ["preset", "symbols", "timeframe"]

    private static func timeframe(_ label: String, _ markets: MarketsConfig, field: String = "timeframe") throws -> Timeframe {
        guard let timeframe = Timeframe(label: label) else {
            throw ConfigError(field: field, reason: "\"\(label)\" is not one of \(Timeframe.allCases.map(\.label))")
        }
        guard markets.timeframes.contains(timeframe) else {
            throw ConfigError(
                field: field, reason: "\(label) is not in markets.timeframes \(markets.timeframes.map(\.label)): marketdata would never publish it")
        }
        return timeframe
    }

    /// A preset's values: `name` is looked up as `<directory>/<name>.yaml`, or is a path to one.
    private static func presetValues(_ name: String, directory: String) throws -> [String: ConfigSource.Value] {
        let file = name.hasSuffix(".yaml") || name.contains("/") ? name : "\(directory)/\(name).yaml"
        guard FileManager.default.fileExists(atPath: file) else {
            throw ConfigError(field: "preset", reason: "no preset file \(file) (presets: conservative, balanced, aggressive in signals.presets_dir)")
        }
        return try ConfigSource.load(file: file, environment: [:]).fileValues
    }
}

/// Runs `body`, naming any configuration error's field under `path`.
private func prefixed<T>(_ path: String, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ConfigError {
        throw ConfigError(field: "\(path).\(error.field)", reason: error.reason)
    } catch {
        throw ConfigError(field: path, reason: "\(error)")
    }
}
