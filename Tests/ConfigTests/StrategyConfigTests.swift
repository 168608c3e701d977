import Config
import Core
import Foundation
import Testing

/// Strategy instances, presets and overrides under `signals.strategies`.
@Suite("Strategy configuration")
struct StrategyConfigTests {
    /// The repository's `config/strategies`, wherever the tests run from.
    static let presetsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config/strategies").path

    private func load(_ signals: String) throws -> SignalsConfig {
        let yaml = """
            markets: {symbols: [BTCUSDT, ETHUSDT], timeframes: [15m, 1h, 4h]}
            signals:
              presets_dir: \(Self.presetsDirectory)
            \(signals.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            """
        return try KeelConfig(reading: ConfigReader(ConfigSource.parse(yaml: yaml, environment: [:]))).signals
    }

    private func failure(_ signals: String) -> ConfigError? {
        do {
            _ = try load(signals)
            return nil
        } catch {
            return error as? ConfigError
        }
    }

    @Test("every shipped preset loads, and they differ", arguments: ["conservative", "balanced", "aggressive"])
    func presetsLoad(preset: String) throws {
        let config = try load("strategies:\n  s:\n    preset: \(preset)\n    timeframe: 15m")
        let settings = config.strategies[0].settings
        #expect(config.strategies[0].preset == preset)
        #expect(settings != StrategySettings())
        #expect(settings.trend.enabled && !settings.trend.timeframes.isEmpty)
        #expect(settings.takeProfit.firstFraction < FixedPoint(integer: 1))
        #expect(settings.takeProfit.trailing.enabled)
    }

    @Test("the balanced preset reads as written")
    func balancedValues() throws {
        let settings = try load("strategies:\n  s:\n    preset: balanced\n    timeframe: 15m").strategies[0].settings
        #expect(settings.entry.longRSI == 50...70 && settings.entry.shortRSI == 30...50)
        #expect(settings.trend.timeframes == [.h1, .h4])
        #expect(settings.stop.atrMultiplier == 1.5 && settings.stop.supportResistance.enabled)
        let half = try FixedPoint(parsing: "0.5")
        #expect(settings.takeProfit.firstTargetATR == 2 && settings.takeProfit.firstFraction == half)
        #expect(settings.takeProfit.breakEven && settings.takeProfit.trailing.mode == .atr)
        #expect(settings.filters.volatility.enabled && settings.filters.volume.enabled && settings.filters.anomaly.enabled)
        #expect(!settings.filters.hours.enabled && !settings.pullback.enabled)
    }

    @Test("an instance overrides its preset field by field; instances keep their own symbols and timeframes")
    func overrides() throws {
        let config = try load("""
            strategies:
              btc:
                preset: conservative
                symbols: [BTCUSDT]
                timeframe: 15m
                stop: {atr_multiplier: 2.5}
                filters: {hours: {windows: ["22:00-02:00", "08:00-12:30"]}}
              eth_plain:
                symbols: [ETHUSDT]
                timeframe: 1h
            """)
        #expect(config.strategies.map(\.name) == ["btc", "eth_plain"])
        let btc = config.strategies[0], eth = config.strategies[1]
        #expect(btc.settings.stop.atrMultiplier == 2.5)
        #expect(btc.settings.pullback.enabled && btc.settings.entry.longRSI == 52...65)
        #expect(btc.settings.filters.hours.windows.map(\.description) == ["22:00-02:00", "08:00-12:30"])
        #expect(btc.timeframes == [.m15, .h1, .h4] && btc.symbols.map(\.rawValue) == ["BTCUSDT"])
        #expect(eth.settings == StrategySettings() && eth.timeframes == [.h1])
    }

    @Test("bad strategy settings name their field", arguments: [
        ("strategies:\n  s:\n    preset: reckless", "signals.strategies.s.preset"),
        ("strategies:\n  s:\n    stop: {atr_multiplier: -1}", "signals.strategies.s.stop.atr_multiplier"),
        ("strategies:\n  s:\n    stop: {atr_multplier: 2}", "signals.strategies.s.stop.atr_multplier"),
        ("strategies:\n  s:\n    entry: {macd_fast: 30}", "signals.strategies.s.entry.macd_fast"),
        ("strategies:\n  s:\n    entry: {long_rsi: [70, 50]}", "signals.strategies.s.entry.long_rsi"),
        ("strategies:\n  s:\n    trend: {enabled: true}", "signals.strategies.s.trend.timeframes"),
        ("strategies:\n  s:\n    trend: {enabled: true, timeframes: [15m]}\n    timeframe: 15m", "signals.strategies.s.trend.timeframes"),
        ("strategies:\n  s:\n    trend: {enabled: true, timeframes: [1d]}", "signals.strategies.s.trend.timeframes"),
        ("strategies:\n  s:\n    take_profit: {first_fraction: 0.5}", "signals.strategies.s.take_profit.first_fraction"),
        ("strategies:\n  s:\n    take_profit: {first_fraction: 1.5}", "signals.strategies.s.take_profit.first_fraction"),
        ("strategies:\n  s:\n    filters: {hours: {windows: [\"9-17\"]}}", "signals.strategies.s.filters.hours.windows"),
        ("strategies:\n  s:\n    symbols: [SOLUSDT]", "signals.strategies.s.symbols"),
        ("strategies:\n  Bad-Name:\n    timeframe: 15m", "signals.strategies.Bad-Name"),
    ])
    func errors(signals: String, field: String) {
        #expect(failure(signals)?.field == field)
    }

    @Test("UTC windows, including ones that wrap midnight")
    func windows() throws {
        let day = try #require(UTCWindow(parsing: "07:00-21:00"))
        #expect(day.contains(minuteOfDay: 7 * 60) && day.contains(minuteOfDay: 21 * 60 - 1) && !day.contains(minuteOfDay: 21 * 60))
        let night = try #require(UTCWindow(parsing: "22:00-02:00"))
        #expect(night.contains(minuteOfDay: 23 * 60) && night.contains(minuteOfDay: 60) && !night.contains(minuteOfDay: 12 * 60))
        #expect(UTCWindow(parsing: "00:00-24:00")?.contains(minuteOfDay: 1439) == true)
        for bad in ["25:00-26:00", "10:00-10:00", "9:0-10:00", "10:00"] { #expect(UTCWindow(parsing: bad) == nil) }
    }
}
