import Config
import Core
import Indicators

/// The seeds' strategy for one symbol: a MACD cross on the signal timeframe confirmed by RSI,
/// optionally aligned with higher-timeframe trends, passed through the entry filters, entered
/// at once or after a pullback, with an ATR stop (beyond nearby support/resistance), a
/// take-profit ladder and a trailing rule (see `StrategySettings` and `TradePlanner`).
///
/// A pure value: feed it closed candles of its timeframes (`onCandle`), get intents; nothing
/// here does I/O or reads a clock. Long: the MACD histogram turns from ≤ 0 to > 0 and RSI is
/// strictly inside `entry.long_rsi`; short mirrors it. An intent's times come from candles, so
/// replaying the same candles, in any interleaving of timeframes, gives the same intents.
///
/// Confidence (0...1) is the mean of: how central RSI is in its band, the MACD histogram's
/// size against a tenth of an ATR (capped at 1), and, when trend alignment is on, 1.
public struct MACDRSIStrategy: Sendable, Hashable, Codable {
    public let name: String
    public let symbol: Symbol
    public let timeframe: Timeframe
    public let tickSize: Price
    public let settings: StrategySettings
    private var indicators: SignalIndicators
    private var trends: [TrendTracker]
    /// Open time of the last candle fed, per timeframe in `timeframes` order.
    private var lastOpenTimes: [Timestamp?]
    private var awaitingTrend: EntryCandidate?
    private var awaitingPullback: PullbackWatch?

    /// Throws `StrategyConfigurationError` for an empty name or a tick size it cannot round to.
    /// (Everything is checked before anything is stored, and the throw is untyped: Swift 6.3.1
    /// debug builds miscompiled a throwing initializer that stored fields first, and a typed
    /// one, into bad retains whenever the indicators' layout changed.)
    public init(name: String, symbol: Symbol, timeframe: Timeframe, tickSize: Price, settings: StrategySettings) throws {
        guard !name.isEmpty else { throw StrategyConfigurationError(field: "name", reason: "is empty") }
        guard tickSize.isPositive else { throw StrategyConfigurationError(field: "tickSize", reason: "\(tickSize) must be greater than zero") }
        self.init(checkedName: name, symbol: symbol, timeframe: timeframe, tickSize: tickSize, settings: settings)
    }

    private init(checkedName name: String, symbol: Symbol, timeframe: Timeframe, tickSize: Price, settings: StrategySettings) {
        self.name = name
        self.symbol = symbol
        self.timeframe = timeframe
        self.tickSize = tickSize
        self.settings = settings
        indicators = SignalIndicators(settings: settings)
        let entry = settings.entry
        trends = settings.trend.enabled
            ? settings.trend.timeframes.map { TrendTracker(timeframe: $0, fast: entry.macdFast, slow: entry.macdSlow, signal: entry.macdSignal) }
            : []
        lastOpenTimes = [Timestamp?](repeating: nil, count: 1 + trends.count)
    }

    /// The timeframes it reads: the signal's, then the trend's.
    public var timeframes: [Timeframe] { [timeframe] + trends.map(\.timeframe) }

    /// Open time of the last candle fed on `timeframe`.
    public func lastOpenTime(of timeframe: Timeframe) -> Timestamp? {
        Self.slot(of: timeframe, signal: self.timeframe, trends: trends).flatMap { lastOpenTimes[$0] }
    }

    // The helpers the per-bar path calls (`slot`, `crossSide`, `trendAlignment`) are static,
    // given only what they read: called as methods from the mutating path, each call copied
    // the whole strategy (well over a kilobyte) first.

    /// Where `timeframe` is in `timeframes`, nil when the strategy does not read it.
    private static func slot(of timeframe: Timeframe, signal: Timeframe, trends: [TrendTracker]) -> Int? {
        timeframe == signal ? 0 : trends.firstIndex { $0.timeframe == timeframe }.map { $0 + 1 }
    }

    /// Feeds one closed candle. Refuses, leaving every indicator untouched, a candle of another
    /// symbol or timeframe, one still forming, and one not newer than the last of its timeframe,
    /// with a `CandleRejection`. (Untyped `throws`: Swift 6.3.1 debug builds miscompile a typed
    /// one here into a bad retain, as they did the initializer's.)
    public mutating func onCandle(_ candle: Candle) throws -> StrategyStep {
        guard candle.symbol == symbol else { throw CandleRejection.otherSymbol(candle.symbol) }
        guard let slot = Self.slot(of: candle.timeframe, signal: timeframe, trends: trends) else {
            throw CandleRejection.otherTimeframe(candle.timeframe)
        }
        guard candle.isClosed else { throw CandleRejection.notClosed }
        if let last = lastOpenTimes[slot] {
            guard candle.openTime != last else { throw CandleRejection.duplicate(candle.openTime) }
            guard candle.openTime > last else { throw CandleRejection.outOfOrder(candle.openTime, last: last) }
        }
        lastOpenTimes[slot] = candle.openTime
        var step = StrategyStep()
        if slot == 0 {
            onSignalBar(candle, &step)
        } else {
            trends[slot - 1].update(candle)
            if let candidate = awaitingTrend.take() {
                let alignment = Self.trendAlignment(candidate, trends: trends)
                if alignment == .pending {
                    awaitingTrend = candidate
                } else {
                    afterBarFilters(candidate, alignment, &step)
                }
            }
        }
        return step
    }

    /// Feeds history (e.g. stored candles on start) in batch order, discarding intents.
    /// Candles it refuses (duplicates, other timeframes) are skipped.
    public mutating func warmUp(_ candles: [Candle]) {
        for candle in Self.batchOrder(candles) { _ = try? onCandle(candle) }
    }

    /// The batch path: every intent the candles give, fed in batch order.
    public mutating func run(_ candles: [Candle]) -> [Intent] {
        Self.batchOrder(candles).flatMap { (try? onCandle($0))?.intents ?? [] }
    }

    /// Candles by close time, longer timeframes first among those closing together, so a
    /// signal bar always finds its trend bars already in.
    public static func batchOrder(_ candles: [Candle]) -> [Candle] {
        candles.sorted(by: comesFirst)
    }

    private static func comesFirst(_ a: Candle, _ b: Candle) -> Bool {
        a.closeTime != b.closeTime ? a.closeTime < b.closeTime : a.timeframe.seconds > b.timeframe.seconds
    }

    // MARK: - The signal bar

    private mutating func onSignalBar(_ candle: Candle, _ step: inout StrategyStep) {
        let readings = indicators.update(PriceBar(candle))
        step.evaluated = true
        // The waiting candidates are taken out (`take`), not tested for nil: a test copied the
        // whole optional, through a generic value witness, on every bar.
        if awaitingTrend.take() != nil {
            // Its trend bar did not come before the next signal bar.
            step.filtered.append(.trendUnavailable)
        }
        if var watch = awaitingPullback.take() {
            watchPullback(&watch, candle, &step)
        }
        guard let side = Self.crossSide(readings, entry: settings.entry), let atr = readings.atr, atr > 0, let macd = readings.macd, let rsi = readings.rsi
        else { return }
        if let filter = EntryFilter.blocking(side, readings: readings, closeTime: candle.closeTime, filters: settings.filters) {
            step.filtered.append(filter)
            return
        }
        if awaitingPullback.take() != nil {
            // A fresh signal supersedes a pullback still awaited.
            step.filtered.append(.pullbackTimeout)
        }
        let candidate = EntryCandidate(
            side: side, candleOpenTime: candle.openTime, candleCloseTime: candle.closeTime, close: candle.close, atr: atr,
            levels: indicators.levels, rsi: rsi, values: readings.reported,
            confidence: confidence(side: side, macd: macd, rsi: rsi, atr: atr))
        let alignment = Self.trendAlignment(candidate, trends: trends)
        if alignment == .pending {
            awaitingTrend = candidate
        } else {
            afterBarFilters(candidate, alignment, &step)
        }
    }

    /// Long when the histogram turns up through zero with RSI in the long band; short mirrors it.
    private static func crossSide(_ readings: SignalReadings, entry: StrategySettings.Entry) -> Side? {
        guard let previous = readings.previousHistogram, let histogram = readings.macd?.histogram, let rsi = readings.rsi
        else { return nil }
        let long = entry.longRSI, short = entry.shortRSI
        if previous <= 0, histogram > 0, long.lowerBound < rsi, rsi < long.upperBound { return .buy }
        if previous >= 0, histogram < 0, short.lowerBound < rsi, rsi < short.upperBound { return .sell }
        return nil
    }

    // MARK: - Trend, pullback, intent

    /// `aligned` holds each trend timeframe's histogram, in `trends` order.
    private enum Alignment: Equatable { case aligned([Double]), against, pending, unavailable }

    private static func trendAlignment(_ candidate: EntryCandidate, trends: [TrendTracker]) -> Alignment {
        var histograms: [Double] = []
        var pending = false
        for tracker in trends {
            switch tracker.trend(at: candidate.candleCloseTime) {
            case .known(let histogram): histograms.append(histogram)
            case .pending: pending = true
            case .unavailable: return .unavailable
            }
        }
        if pending { return .pending }
        let agrees = histograms.allSatisfy { candidate.side == .buy ? $0 > 0 : $0 < 0 }
        return agrees ? .aligned(histograms) : .against
    }

    /// The candidate has passed the bar filters; its trend `alignment` (settled) decides, then the pullback.
    private mutating func afterBarFilters(_ candidate: EntryCandidate, _ alignment: Alignment, _ step: inout StrategyStep) {
        var candidate = candidate
        switch alignment {
        case .against: step.filtered.append(.trend); return
        case .unavailable, .pending: step.filtered.append(.trendUnavailable); return
        case .aligned(let histograms):
            guard !histograms.isEmpty else { break }
            candidate.trendHistograms = histograms
            candidate.confidence = (candidate.confidence * 2 + 1) / 3
        }
        guard settings.pullback.enabled else {
            emit(candidate, entry: .market, at: candidate.close, createdAt: candidate.candleCloseTime, &step)
            return
        }
        let direction = candidate.side == .buy ? -1.0 : 1.0
        guard let level = candidate.close.offset(
            by: direction * settings.pullback.sizeATR * candidate.atr, tick: tickSize, mode: candidate.side == .buy ? .down : .up),
            level.isPositive, level != candidate.close
        else {
            step.filtered.append(.levels)
            return
        }
        awaitingPullback = PullbackWatch(candidate: candidate, level: level, barsLeft: settings.pullback.timeoutBars)
    }

    private mutating func watchPullback(_ watch: inout PullbackWatch, _ candle: Candle, _ step: inout StrategyStep) {
        let candidate = watch.candidate
        guard let plan = planner.plan(side: candidate.side, entry: watch.level, atr: candidate.atr, levels: candidate.levels) else {
            step.filtered.append(.levels)
            return
        }
        switch watch.check(candle, stop: plan.stop) {
        case .reached:
            emit(candidate, entry: .limit(watch.level), at: watch.level, createdAt: candle.closeTime, &step)
        case .invalidated: step.filtered.append(.pullbackInvalidated)
        case .timedOut: step.filtered.append(.pullbackTimeout)
        case .waiting: awaitingPullback = watch
        }
    }

    private var planner: TradePlanner { TradePlanner(settings: settings, tickSize: tickSize) }

    private func emit(_ candidate: EntryCandidate, entry: EntryOrder, at price: Price, createdAt: Timestamp, _ step: inout StrategyStep) {
        guard let plan = planner.plan(side: candidate.side, entry: price, atr: candidate.atr, levels: candidate.levels) else {
            step.filtered.append(.levels)
            return
        }
        var values = Self.indicatorValues(candidate, names: indicators.reportedNames, trends: trends)
        if let level = plan.stopLevel { values.append("stop_level", level) }
        let id = Intent.deriveID(
            strategy: name, symbol: symbol, timeframe: timeframe, candleTime: candidate.candleOpenTime, kind: .entry, side: candidate.side)
        // Validation fails only if the plan put a level on the wrong side: no trade then.
        guard let intent = try? Intent(
            id: id, strategy: name, symbol: symbol, side: candidate.side, kind: .entry, referencePrice: price, entry: entry,
            stopLoss: plan.stop, takeProfits: plan.takeProfits, trailing: plan.trailing,
            breakEvenAfterTarget: plan.breakEvenAfterTarget, timeframe: timeframe, candleTime: candidate.candleOpenTime,
            createdAt: createdAt, expiresAt: createdAt.adding(milliseconds: Int64(settings.expiryBars) * timeframe.milliseconds),
            confidence: candidate.confidence, reason: reason(candidate, entry: entry), indicators: values)
        else {
            step.filtered.append(.levels)
            return
        }
        step.intents.append(intent)
    }

    // MARK: - Confidence and reported values

    private func confidence(side: Side, macd: MACDValue, rsi: Double, atr: Double) -> Double {
        let band = side == .buy ? settings.entry.longRSI : settings.entry.shortRSI
        let half = (band.upperBound - band.lowerBound) / 2
        let centrality = max(0, 1 - abs(rsi - (band.lowerBound + half)) / half)
        let strength = min(1, abs(macd.histogram) / (0.1 * atr))
        return (centrality + strength) / 2
    }

    /// "MACD cross up on 15m, RSI 56.2, trend up on 1h/4h, entered on a pullback to 185.2"
    private func reason(_ candidate: EntryCandidate, entry: EntryOrder) -> String {
        let direction = candidate.side == .buy ? "up" : "down"
        var text = "MACD cross \(direction) on \(timeframe), RSI \(Self.format(candidate.rsi))"
        if !candidate.trendHistograms.isEmpty {
            text += ", trend \(direction) on \(trends.map(\.timeframe.label).joined(separator: "/"))"
        }
        if case .limit(let level) = entry { text += ", entered on a pullback to \(level)" }
        return text
    }

    /// The values behind an intent, by name ("rsi_14", "trend_4h_macd_histogram"); values an
    /// indicator that is off or still warming up did not give are left out.
    private static func indicatorValues(_ candidate: EntryCandidate, names: [String], trends: [TrendTracker]) -> IndicatorValues {
        // Room for every value and the stop level's, so it never regrows.
        var values = IndicatorValues(minimumCapacity: names.count + trends.count + 1)
        for (name, value) in zip(names, candidate.values) {
            if let value { values.append(name, value) }
        }
        for (tracker, histogram) in zip(trends, candidate.trendHistograms) {
            values.append(tracker.histogramName, histogram)
        }
        return values
    }

    /// To a tenth: "56.2", "70.0".
    private static func format(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        // Spelt with integers, as `String(tenths / 10)` would spell it, for the values an RSI takes.
        guard tenths.sign == .plus, tenths < 1e15 else { return String(tenths / 10) }
        let whole = Int64(tenths)
        return "\(whole / 10).\(whole % 10)"
    }
}

/// What one candle did to a strategy.
public struct StrategyStep: Sendable, Hashable {
    /// Intents decided on this candle (at most one per signal, usually none).
    public var intents: [Intent] = []
    /// True for a signal-timeframe bar (counted as a signal evaluation).
    public var evaluated = false
    /// Signals that stopped short of an intent on this candle, by the filter that stopped them.
    public var filtered: [EntryFilter] = []
}

/// Why a strategy refused a candle; its state is as before.
public enum CandleRejection: Error, Sendable, Hashable, CustomStringConvertible {
    case otherSymbol(Symbol)
    case otherTimeframe(Timeframe)
    case notClosed
    case duplicate(Timestamp)
    case outOfOrder(Timestamp, last: Timestamp)

    public var description: String {
        switch self {
        case .otherSymbol(let symbol): "candle of \(symbol) fed to another symbol's strategy"
        case .otherTimeframe(let timeframe): "candle of timeframe \(timeframe) which the strategy does not read"
        case .notClosed: "candle still forming"
        case .duplicate(let time): "duplicate candle opening at \(time)"
        case .outOfOrder(let time, let last): "candle opening at \(time) arrived after the one opening at \(last)"
        }
    }
}

/// A strategy setting that cannot work, naming it.
public struct StrategyConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public let field: String
    public let reason: String
    public var description: String { "strategy configuration \(field): \(reason)" }
}
