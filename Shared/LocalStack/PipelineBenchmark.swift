import Bus
import Core
import ExchangeSimulator
import Execution
import Foundation
import Logging
import Synchronization

/// `keel bench pipeline`: tick-to-order latency through the five services. An in-process
/// exchange simulator replays `BenchMarket` fast; for every candle it closes, the probe notes
/// the time and the `orderLinkId` an entry on that candle would carry; when an order with that
/// id reaches the simulator, the difference is one sample: marketdata → md.candles →
/// signals → signals.intents → risk (+ PostgreSQL) → risk.orders → execution (Redis lock,
/// PostgreSQL, leverage) → the venue. The bare one-hop latency of the stack's broker is measured
/// in the same run, for comparison.
public struct PipelineBenchmark: Sendable {
    public struct Options: Sendable {
        public var decisions: Int
        /// Market minutes per real minute.
        public var speed: Double
        /// How long to wait for `decisions` samples before reporting what there is.
        public var timeout: Duration
        public var busSamples: Int

        public init(decisions: Int = 1000, speed: Double = 600, timeout: Duration = .seconds(1200), busSamples: Int = 2000) {
            self.decisions = decisions
            self.speed = speed
            self.timeout = timeout
            self.busSamples = busSamples
        }
    }

    public struct Report: Sendable {
        /// Tick-to-order latencies, in the order measured.
        public let samples: [Duration]
        public let candlesClosed: Int
        public let ordersReceived: Int
        public let bus: BusBenchmark.Latency

        public func percentile(_ fraction: Double) -> Duration {
            let sorted = samples.sorted()
            guard !sorted.isEmpty else { return .zero }
            return sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]
        }
    }

    public let options: Options
    public let logger: Logger

    public init(options: Options, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    static let symbol = try! Symbol("BTCUSDT")
    /// Bars of history before play starts: the strategy's warm-up.
    static let historyBars = 120

    /// Runs the benchmark on a stack from `setup` (its `simulatorPort` is replaced by the
    /// in-process simulator's); `progress` hears a line now and then.
    public func run(setup: LocalStack.Setup, progress: @escaping @Sendable (String) -> Void) async throws -> Report {
        let origin = Timestamp(milliseconds: 1_767_571_200_000)  // 2026-01-05 00:00 UTC
        let bars = Self.historyBars + options.decisions * 8
        let tape = try ReplayTape(
            file: try OHLCVFile.parse(BenchMarket.csv(bars: bars, origin: origin.milliseconds)),
            instrument: SimulatedInstrument.defaults.first { $0.symbol == Self.symbol }!)
        let timings = PipelineTimings(strategy: "macd_rsi")
        var configuration = BybitSimulator.Configuration(historyMinutes: 0, replay: tape)
        configuration.tickInterval = .milliseconds(10)
        configuration.endpointLimitPerSecond = 100_000
        configuration.probe = SimulatorProbe(
            candleClosed: { symbol, timeframe, start in timings.candleClosed(symbol, timeframe, start) },
            orderReceived: { link in timings.orderReceived(link) })
        let clock = try SimulatorClock(speed: options.speed, start: origin.adding(milliseconds: Int64(Self.historyBars) * 60_000))
        let simulator = BybitSimulator(configuration: configuration, clock: clock)

        var setup = setup
        setup.simulatorPort = try await simulator.start()
        setup.extraConfig = """
            markets: {symbols: [\(Self.symbol.rawValue)], timeframes: [1m], history_days: 1}
            signals: {warmup_bars: 300, strategies: {macd_rsi: {timeframe: 1m}}}
            """
        progress("starting the services (logs in \(setup.directory.path))")
        let stack: LocalStack
        do {
            stack = try await LocalStack.start(setup)
        } catch {
            await simulator.stop()
            throw error
        }
        do {
            progress("measuring the bare one-hop bus latency (\(options.busSamples) samples)")
            let bus = try await busLatency(stack)
            progress("waiting for \(options.decisions) orders at \(Int(options.speed))x market speed")
            let deadline = ContinuousClock.now + options.timeout
            var reported = 0
            while timings.sampleCount < options.decisions, ContinuousClock.now < deadline {
                try await Task.sleep(for: .seconds(1))
                let count = timings.sampleCount
                if count / 100 > reported / 100 { progress("\(count) orders measured") }
                reported = count
                for name in LocalStack.services where !stack.isRunning(name) {
                    throw LocalStack.ServiceExited(name: name, log: stack.log(of: name))
                }
            }
            let report = Report(
                samples: timings.samples, candlesClosed: timings.candleCount, ordersReceived: timings.orderCount, bus: bus)
            await stack.stop()
            await simulator.stop()
            return report
        } catch {
            await stack.stop()
            await simulator.stop()
            throw error
        }
    }

    private func busLatency(_ stack: LocalStack) async throws -> BusBenchmark.Latency {
        let topic = "keel.bench.pipeline.\(UInt32.random(in: 0...UInt32.max))"
        _ = try await TopicAdmin(config: stack.config.kafka, logger: logger).create([.init(name: topic, partitions: 1)])
        return try await BusBenchmark(config: stack.config.kafka, logger: logger).latency(topic: topic, samples: options.busSamples)
    }
}

/// What the simulator's probe saw: when each candle closed, keyed by the `orderLinkId` an entry
/// decided on it would carry (long or short), and the latency of each such order that arrived.
final class PipelineTimings: Sendable {
    private struct State {
        var awaiting: [String: ContinuousClock.Instant] = [:]
        var samples: [Duration] = []
        var candles = 0
        var orders = 0
    }

    private let strategy: String
    private let state = Mutex(State())

    init(strategy: String) {
        self.strategy = strategy
    }

    func candleClosed(_ symbol: Symbol, _ timeframe: Timeframe, _ start: Timestamp) {
        let now = ContinuousClock.now
        let links = Side.allCases.compactMap { side in
            try? VenueOrder.orderLinkID(intentID: Intent.deriveID(
                strategy: strategy, symbol: symbol, timeframe: timeframe, candleTime: start, kind: .entry, side: side))
        }
        state.withLock { state in
            state.candles += 1
            for link in links where state.awaiting[link] == nil { state.awaiting[link] = now }
        }
    }

    func orderReceived(_ link: String) {
        let now = ContinuousClock.now
        state.withLock { state in
            state.orders += 1
            if let closed = state.awaiting.removeValue(forKey: link) { state.samples.append(now - closed) }
        }
    }

    var samples: [Duration] { state.withLock { $0.samples } }
    var sampleCount: Int { state.withLock { $0.samples.count } }
    var candleCount: Int { state.withLock { $0.candles } }
    var orderCount: Int { state.withLock { $0.orders } }
}
