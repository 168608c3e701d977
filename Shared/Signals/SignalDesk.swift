import Bus
import Config
import Core
import MarketData
import Schemas
import Strategy

/// Signals' work, minus the consumer that feeds it: every configured strategy runs over the
/// closed candles of its symbols and timeframes, and the intents they return are published on
/// `signals.intents.v1`, keyed by symbol.
///
/// A running strategy is memory only, rebuilt from the candle store whenever a candle does not
/// directly follow the last one it saw of that timeframe: on start, after a partition moves
/// here from another instance, after a gap. marketdata stores a candle before publishing it, so
/// the store holds the history leading up to the candle being handled; a rebuilt strategy has
/// seen exactly the candles that closed before it. After a restart the same candle yields the
/// same intent id, which risk answers only once.
///
/// A candle a strategy refuses (a duplicate, or older than the last of its timeframe) is an
/// `InvalidMessage`: dead-lettered with the reason, the strategy untouched.
public actor SignalDesk {
    private struct Key: Hashable {
        let strategy: String
        let symbol: Symbol
    }

    private let store: CandleStore
    private let producer: KafkaProducer
    private let instances: [StrategyInstanceConfig]
    private let warmUpBars: Int
    private let tickSize: @Sendable (Symbol) async throws -> Price
    private let metrics: [String: StrategyMetrics]
    private var running: [Key: MACDRSIStrategy] = [:]

    /// `tickSize` gives a symbol's price tick (from the venue's instrument rules).
    public init(
        store: CandleStore, producer: KafkaProducer, config: SignalsConfig,
        tickSize: @escaping @Sendable (Symbol) async throws -> Price
    ) {
        self.store = store
        self.producer = producer
        instances = config.strategies
        warmUpBars = config.warmUpBars
        self.tickSize = tickSize
        metrics = Dictionary(uniqueKeysWithValues: config.strategies.map { ($0.name, StrategyMetrics(strategy: $0.name)) })
    }

    /// Handles one `md.candles.v1` message; one that is not a valid candle, or that a strategy
    /// refuses, is an `InvalidMessage` (dead-lettered, never retried).
    public func consumeCandle(_ message: ConsumedMessage) async throws {
        let candle = try message.decoded(as: "md.candles.v1 Candle") { try Keel_V1_Candle(serializedBytes: $0).candle() }
        let outcome = try await handle(candle)
        for intent in outcome.intents {
            _ = try await producer.send(
                OutgoingMessage(
                    topic: Topic.signalsIntents.rawValue, key: intent.symbol.rawValue,
                    value: try Keel_V1_Intent(intent).serializedBytes()))
        }
        if let rejection = outcome.rejections.first { throw InvalidMessage(rejection) }
    }

    /// Feeds `candle` to every strategy that reads its symbol and timeframe: the intents they
    /// decided on, and why any of them refused it (`strategy: reason`).
    public func handle(_ candle: Candle) async throws -> (intents: [Intent], rejections: [String]) {
        guard candle.isClosed else { return ([], []) }
        var intents: [Intent] = []
        var rejections: [String] = []
        for instance in instances where instance.symbols.contains(candle.symbol) && instance.timeframes.contains(candle.timeframe) {
            let key = Key(strategy: instance.name, symbol: candle.symbol)
            var strategy = try await strategy(instance, before: candle)
            do {
                let step = try strategy.onCandle(candle)
                metrics[instance.name]?.record(step)
                intents += step.intents
            } catch {
                rejections.append("\(instance.name): \(error)")
            }
            running[key] = strategy
        }
        return (intents, rejections)
    }

    /// The strategy as it stands just before `candle`: the one in memory if it saw the bar
    /// before on that timeframe (or this or a later bar: then the candle is refused), else a new
    /// one warmed up on the stored candles of all its timeframes that closed before `candle`.
    private func strategy(_ instance: StrategyInstanceConfig, before candle: Candle) async throws -> MACDRSIStrategy {
        let previousOpen = candle.openTime.adding(milliseconds: -candle.timeframe.milliseconds)
        if let strategy = running[Key(strategy: instance.name, symbol: candle.symbol)],
           let last = strategy.lastOpenTime(of: candle.timeframe), last >= previousOpen {
            return strategy
        }
        var strategy = try MACDRSIStrategy(
            name: instance.name, symbol: candle.symbol, timeframe: instance.timeframe,
            tickSize: try await tickSize(candle.symbol), settings: instance.settings)
        var history: [Candle] = []
        for timeframe in instance.timeframes {
            // Open time ≤ close − one bar − 1 ms: the bars that closed before `candle` did.
            let through = candle.closeTime.adding(milliseconds: -timeframe.milliseconds - 1)
            history += try await store.candles(
                symbol: candle.symbol, timeframe: timeframe,
                from: through.adding(milliseconds: -timeframe.milliseconds * Int64(warmUpBars)), through: through)
        }
        strategy.warmUp(history)
        return strategy
    }
}
