import Core

extension StrategySettings {
    /// Reads the settings from a preset-plus-overrides source; field names are relative
    /// (`stop.atr_multiplier`). Every field is optional (the default applies) and checked.
    public init(reading reader: ConfigReader) throws {
        self.init()
        let defaults = StrategySettings()

        entry.macdFast = try reader.int("entry.macd_fast", default: defaults.entry.macdFast, in: 1...1000)
        entry.macdSlow = try reader.int("entry.macd_slow", default: defaults.entry.macdSlow, in: 2...1000)
        entry.macdSignal = try reader.int("entry.macd_signal", default: defaults.entry.macdSignal, in: 1...1000)
        guard entry.macdFast < entry.macdSlow else {
            throw ConfigError(field: "entry.macd_fast", reason: "\(entry.macdFast) must be below entry.macd_slow \(entry.macdSlow)")
        }
        entry.rsiPeriod = try reader.int("entry.rsi_period", default: defaults.entry.rsiPeriod, in: 1...1000)
        entry.longRSI = try Self.rsiRange(reader, "entry.long_rsi", default: defaults.entry.longRSI)
        entry.shortRSI = try Self.rsiRange(reader, "entry.short_rsi", default: defaults.entry.shortRSI)

        trend.enabled = try reader.bool("trend.enabled", default: defaults.trend.enabled)
        trend.timeframes = try reader.list("trend.timeframes", default: defaults.trend.timeframes.map(\.label)).map { label in
            guard let timeframe = Timeframe(label: label) else {
                throw ConfigError(field: "trend.timeframes", reason: "\"\(label)\" is not one of \(Timeframe.allCases.map(\.label))")
            }
            return timeframe
        }
        if trend.enabled, trend.timeframes.isEmpty {
            throw ConfigError(field: "trend.timeframes", reason: "trend alignment is on but names no timeframe")
        }

        stop.atrPeriod = try reader.int("stop.atr_period", default: defaults.stop.atrPeriod, in: 1...1000)
        stop.atrMultiplier = try reader.double("stop.atr_multiplier", default: defaults.stop.atrMultiplier, in: 0.01...100)
        let levels = "stop.support_resistance"
        stop.supportResistance.enabled = try reader.bool("\(levels).enabled", default: defaults.stop.supportResistance.enabled)
        stop.supportResistance.proximityATR = try reader.double(
            "\(levels).proximity_atr", default: defaults.stop.supportResistance.proximityATR, in: 0...100)
        stop.supportResistance.bufferATR = try reader.double(
            "\(levels).buffer_atr", default: defaults.stop.supportResistance.bufferATR, in: 0...100)
        stop.supportResistance.swingStrength = try reader.int(
            "\(levels).swing_strength", default: defaults.stop.supportResistance.swingStrength, in: 1...100)
        stop.supportResistance.window = try reader.int(
            "\(levels).window", default: defaults.stop.supportResistance.window, in: 3...100_000)
        guard stop.supportResistance.window > 2 * stop.supportResistance.swingStrength else {
            throw ConfigError(field: "\(levels).window", reason: "must be more than twice \(levels).swing_strength")
        }
        stop.supportResistance.tolerance = try reader.double(
            "\(levels).tolerance", default: defaults.stop.supportResistance.tolerance, in: 0...1)

        takeProfit.firstTargetATR = try reader.double(
            "take_profit.first_target_atr", default: defaults.takeProfit.firstTargetATR, in: 0.01...1000)
        takeProfit.firstFraction = try reader.fixedPoint(
            "take_profit.first_fraction", default: "1", in: try FixedPoint(parsing: "0.01")...FixedPoint(integer: 1))
        takeProfit.breakEven = try reader.bool("take_profit.break_even", default: defaults.takeProfit.breakEven)
        let finalTarget = try reader.double("take_profit.final_target_atr", default: 0, in: 0...1000)
        takeProfit.finalTargetATR = finalTarget > 0 ? finalTarget : nil
        if let finalTarget = takeProfit.finalTargetATR, finalTarget <= takeProfit.firstTargetATR {
            throw ConfigError(field: "take_profit.final_target_atr", reason: "\(finalTarget) must be beyond first_target_atr \(takeProfit.firstTargetATR)")
        }
        takeProfit.trailing.enabled = try reader.bool("take_profit.trailing.enabled", default: defaults.takeProfit.trailing.enabled)
        takeProfit.trailing.mode = try reader.choice("take_profit.trailing.mode", default: defaults.takeProfit.trailing.mode)
        takeProfit.trailing.atrMultiplier = try reader.double(
            "take_profit.trailing.atr_multiplier", default: defaults.takeProfit.trailing.atrMultiplier, in: 0.01...100)
        takeProfit.trailing.percent = try reader.fixedPoint(
            "take_profit.trailing.percent", default: "1", in: try FixedPoint(parsing: "0.01")...FixedPoint(integer: 50))
        let whole = FixedPoint(integer: 1)
        if takeProfit.firstFraction < whole, takeProfit.finalTargetATR == nil, !takeProfit.trailing.enabled {
            throw ConfigError(
                field: "take_profit.first_fraction",
                reason: "TP1 closes \(takeProfit.firstFraction) of the position; the rest needs final_target_atr or trailing")
        }
        if takeProfit.firstFraction == whole, takeProfit.finalTargetATR != nil {
            throw ConfigError(field: "take_profit.final_target_atr", reason: "TP1 already closes the whole position (first_fraction 1)")
        }

        pullback.enabled = try reader.bool("pullback.enabled", default: defaults.pullback.enabled)
        pullback.sizeATR = try reader.double("pullback.size_atr", default: defaults.pullback.sizeATR, in: 0.01...100)
        pullback.timeoutBars = try reader.int("pullback.timeout_bars", default: defaults.pullback.timeoutBars, in: 1...1000)

        let filter = "filters"
        filters.volatility.enabled = try reader.bool("\(filter).volatility.enabled", default: defaults.filters.volatility.enabled)
        filters.volatility.maxATRPercent = try reader.double(
            "\(filter).volatility.max_atr_percent", default: defaults.filters.volatility.maxATRPercent, in: 0.001...1000)
        filters.volatility.period = try reader.int("\(filter).volatility.period", default: defaults.filters.volatility.period, in: 2...10_000)
        filters.volatility.maxVolatilityPercent = try reader.double(
            "\(filter).volatility.max_volatility_percent", default: defaults.filters.volatility.maxVolatilityPercent, in: 0.001...1000)

        filters.hours.enabled = try reader.bool("\(filter).hours.enabled", default: defaults.filters.hours.enabled)
        let windows = try reader.list("\(filter).hours.windows", default: defaults.filters.hours.windows.map(\.description))
        filters.hours.windows = try windows.map { text in
            guard let window = UTCWindow(parsing: text) else {
                throw ConfigError(field: "\(filter).hours.windows", reason: "\"\(text)\" is not HH:MM-HH:MM (UTC)")
            }
            return window
        }
        if filters.hours.enabled, filters.hours.windows.isEmpty {
            throw ConfigError(field: "\(filter).hours.windows", reason: "the hours filter is on but names no window")
        }

        filters.momentum.enabled = try reader.bool("\(filter).momentum.enabled", default: defaults.filters.momentum.enabled)
        filters.momentum.period = try reader.int("\(filter).momentum.period", default: defaults.filters.momentum.period, in: 1...10_000)
        filters.momentum.minAccelerationPercent = try reader.double(
            "\(filter).momentum.min_acceleration_percent", default: defaults.filters.momentum.minAccelerationPercent, in: -100...100)

        filters.volume.enabled = try reader.bool("\(filter).volume.enabled", default: defaults.filters.volume.enabled)
        filters.volume.period = try reader.int("\(filter).volume.period", default: defaults.filters.volume.period, in: 1...10_000)
        filters.volume.minRelative = try reader.double(
            "\(filter).volume.min_relative", default: defaults.filters.volume.minRelative, in: 0...1000)

        filters.anomaly.enabled = try reader.bool("\(filter).anomaly.enabled", default: defaults.filters.anomaly.enabled)
        filters.anomaly.period = try reader.int("\(filter).anomaly.period", default: defaults.filters.anomaly.period, in: 3...10_000)
        filters.anomaly.maxReturnZ = try reader.double(
            "\(filter).anomaly.max_return_z", default: defaults.filters.anomaly.maxReturnZ, in: 0.1...1000)
        filters.anomaly.maxVolumeZ = try reader.double(
            "\(filter).anomaly.max_volume_z", default: defaults.filters.anomaly.maxVolumeZ, in: 0.1...1000)

        expiryBars = try reader.int("expiry_bars", default: defaults.expiryBars, in: 1...1000)
    }

    /// `field: [lower, upper]` within 0...100.
    private static func rsiRange(_ reader: ConfigReader, _ field: String, default range: ClosedRange<Double>) throws -> ClosedRange<Double> {
        let bounds = try reader.list(field, default: [String(range.lowerBound), String(range.upperBound)])
        guard bounds.count == 2, let lower = Double(bounds[0]), let upper = Double(bounds[1]),
              0 <= lower, lower < upper, upper <= 100
        else {
            throw ConfigError(field: field, reason: "must be [lower, upper] with 0 <= lower < upper <= 100, got \(bounds)")
        }
        return lower...upper
    }
}
