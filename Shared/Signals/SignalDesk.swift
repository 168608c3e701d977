import Bus
import Core
import MarketData
import Schemas
import Strategy

/// Signals' work, minus the consumer that feeds it: closed candles of the configured timeframe
/// go through one MACD/RSI strategy per symbol, and the intents it returns are published on
/// `signals.intents.v1`, keyed by symbol.
///
/// A strategy is memory only, rebuilt from the candle store whenever the candle in hand does
/// not directly follow the last one it saw: on start, after a partition moves here from another
/// instance, after a gap. marketdata stores a candle before publishing it, so the store always
/// holds the history leading up to the candle being handled. A redelivered candle (at least
/// once) is not newer than the strategy's last and yields nothing; after a restart the same
/// candle yields the same intent id, which risk answers only once.
public actor SignalDesk {
    private let store: CandleStore
    private let producer: KafkaProducer
    private let timeframe: Timeframe
    private let warmUpBars: Int
    private let configuration: @Sendable (Symbol) async throws -> MACDRSIConfiguration
    private var strategies: [Symbol: MACDRSIStrategy] = [:]

    /// `configuration` gives a symbol's strategy settings (its tick size comes from the venue).
    public init(
        store: CandleStore, producer: KafkaProducer, timeframe: Timeframe, warmUpBars: Int,
        configuration: @escaping @Sendable (Symbol) async throws -> MACDRSIConfiguration
    ) {
        self.store = store
        self.producer = producer
        self.timeframe = timeframe
        self.warmUpBars = warmUpBars
        self.configuration = configuration
    }

    /// Handles one `md.candles.v1` message; one that is not a valid candle is an
    /// `InvalidMessage` (dead-lettered, never retried).
    public func consumeCandle(_ message: ConsumedMessage) async throws {
        let candle = try message.decoded(as: "md.candles.v1 Candle") { try Keel_V1_Candle(serializedBytes: $0).candle() }
        guard let intent = try await handle(candle) else { return }
        _ = try await producer.send(
            OutgoingMessage(
                topic: Topic.signalsIntents.rawValue, key: intent.symbol.rawValue,
                value: try Keel_V1_Intent(intent).serializedBytes()))
    }

    /// Feeds `candle` to its symbol's strategy; returns the intent it decided on, if any.
    public func handle(_ candle: Candle) async throws -> Intent? {
        guard candle.isClosed, candle.timeframe == timeframe else { return nil }
        var strategy = try await strategy(before: candle)
        let intent = strategy.onCandle(candle)
        strategies[candle.symbol] = strategy
        return intent
    }

    /// The symbol's strategy as it stands just before `candle`: the one in memory if it saw the
    /// bar before (or this or a later bar: then the candle is a redelivery), else a new one
    /// warmed up on the stored candles leading to it.
    private func strategy(before candle: Candle) async throws -> MACDRSIStrategy {
        let previousOpen = candle.openTime.adding(milliseconds: -timeframe.milliseconds)
        if let strategy = strategies[candle.symbol], let last = strategy.state.lastCandleTime, last >= previousOpen {
            return strategy
        }
        var strategy = try MACDRSIStrategy(configuration: try await configuration(candle.symbol))
        let history = try await store.candles(
            symbol: candle.symbol, timeframe: timeframe,
            from: candle.openTime.adding(milliseconds: -timeframe.milliseconds * Int64(warmUpBars)), through: previousOpen)
        strategy.warmUp(history)
        return strategy
    }
}
