import Core
import Foundation
import Logging
import Metrics
import Synchronization

/// What a `BybitPublicStream` delivers, in order of arrival.
public enum BybitPublicMessage: Sendable {
    case connected(reconnects: Int)
    case disconnected(reason: String)
    /// A reply to subscribe / unsubscribe / ping.
    case reply(BybitOpReply)
    case trades([Trade])
    /// The current candle; `isClosed` when Bybit confirmed it.
    case candle(Candle)
    /// The ticker with every delta so far merged in.
    case ticker(BybitTicker)
    /// The replica of `topic` after an update was applied.
    case orderBook(topic: String, BybitOrderBookReplica)
    /// The book of `topic` is being rebuilt (gap, bad delta, undecodable push).
    case resync(topic: String, reason: String)
    /// A frame that could not be decoded; the stream goes on.
    case decodingFailed(BybitDecodingError)
}

/// Bybit V5 public linear stream (`/v5/public/linear`): trades, klines, tickers and order-book
/// replicas, typed, over a `ReconnectingWebSocket`.
///
/// An order book is resynced by resubscribing its topic, which brings a fresh snapshot at the
/// topic's own depth; deltas arriving meanwhile are ignored. (A REST snapshot would not do for
/// every depth: REST `u` counts the 1000-level book's updates.) After a reconnect every book
/// starts again from its snapshot.
public final class BybitPublicStream: Sendable {
    public static let mainnetURL = "wss://stream.bybit.com/v5/public/linear"

    public let connection: ReconnectingWebSocket
    public let messages: AsyncStream<BybitPublicMessage>
    private let continuation: AsyncStream<BybitPublicMessage>.Continuation
    private let resyncs = Atomic<Int>(0)
    private let resyncCounter = Counter(label: "keel_exchange_book_resyncs_total", dimensions: bybitStreamDimensions("public"))
    private let logger: Logger

    public init(configuration: ReconnectingWebSocketConfiguration, logger: Logger) {
        connection = ReconnectingWebSocket(configuration: configuration, logger: logger)
        self.logger = logger
        (messages, continuation) = AsyncStream.makeStream()
    }

    /// A stream on `url` with Bybit's defaults (ping every 20 s, args batches ≤ 21,000 characters).
    public convenience init(url: String = BybitPublicStream.mainnetURL, logger: Logger) {
        self.init(configuration: ReconnectingWebSocketConfiguration(url: url, metricDimensions: bybitStreamDimensions("public")), logger: logger)
    }

    /// Order-book resyncs so far.
    public var resyncCount: Int { resyncs.load(ordering: .relaxed) }

    public func subscribe(_ topics: [BybitPublicTopic]) { connection.subscribe(topics.map(\.name)) }
    public func unsubscribe(_ topics: [BybitPublicTopic]) { connection.unsubscribe(topics.map(\.name)) }

    /// Connects, keeps connected and delivers `messages` until the calling task is cancelled.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.connection.run() }
            var state = State()
            for await event in connection.events {
                switch event {
                case .connected(let reconnects):
                    state.books.removeAll()
                    continuation.yield(.connected(reconnects: reconnects))
                case .disconnected(let reason):
                    continuation.yield(.disconnected(reason: reason))
                case .text(let text):
                    receive(text, state: &state)
                }
            }
        }
        continuation.finish()
    }

    /// What the stream has built from pushes so far.
    private struct State {
        /// Order-book topic → replica; absent while waiting for a snapshot.
        var books: [String: BybitOrderBookReplica] = [:]
        /// Ticker symbol → every field received.
        var tickers: [Symbol: [String: String]] = [:]
    }

    private func receive(_ text: String, state: inout State) {
        var topic: String?
        do {
            switch try BybitStreamDecoder.frame(text) {
            case .reply(let reply): continuation.yield(.reply(reply))
            case .pong: break
            case .push(let push):
                topic = push.topic
                try handle(push, state: &state)
            }
        } catch let error as BybitDecodingError {
            logger.warning("Bybit public stream: undecodable frame", metadata: ["error": "\(error)"])
            continuation.yield(.decodingFailed(error))
            if let topic, topic.hasPrefix("orderbook.") { resync(topic, reason: error.description, state: &state) }
        } catch {
            logger.warning("Bybit public stream: unexpected error", metadata: ["error": "\(error)"])
        }
    }

    private func handle(_ push: BybitPush, state: inout State) throws {
        let topic = push.topic
        if topic.hasPrefix("orderbook.") {
            let update = try BybitBookUpdate.decode(push)
            if update.kind == .snapshot || update.updateID == 1 {
                state.books[topic] = BybitOrderBookReplica(snapshot: update)
            } else if var replica = state.books[topic] {
                do {
                    try replica.apply(update)
                    state.books[topic] = replica
                } catch {
                    return resync(topic, reason: error.description, state: &state)
                }
            } else {
                return // waiting for the snapshot a resync asked for
            }
            if let replica = state.books[topic] { continuation.yield(.orderBook(topic: topic, replica)) }
        } else if topic.hasPrefix("publicTrade.") {
            continuation.yield(.trades(try BybitStreamDecoder.data([BybitStreamTrade].self, of: push).map(\.trade)))
        } else if topic.hasPrefix("kline.") {
            let symbol = try BybitPublicTopic.symbol(of: topic)
            for item in try BybitStreamDecoder.data([BybitStreamKline].self, of: push) {
                continuation.yield(.candle(try withPayloadExcerpt(push.payload) { try item.candle(symbol: symbol) }))
            }
        } else if topic.hasPrefix("tickers.") {
            let update = try BybitStreamDecoder.data(BybitTickerFields.self, of: push).fields
            let symbol = try BybitPublicTopic.symbol(of: topic)
            var fields: [String: String] = push.type == "snapshot" ? [:] : state.tickers[symbol] ?? [:]
            fields.merge(update) { $1 }
            state.tickers[symbol] = fields
            let merged = try JSONEncoder().encode(fields)
            continuation.yield(.ticker(try withPayloadExcerpt(push.payload) { try JSONDecoder().decode(BybitTicker.self, from: merged) }))
        }
    }

    /// Drops the replica of `topic` and resubscribes it for a fresh snapshot.
    private func resync(_ topic: String, reason: String, state: inout State) {
        state.books[topic] = nil
        resyncs.add(1, ordering: .relaxed)
        resyncCounter.increment()
        logger.notice("Bybit order book resync", metadata: ["topic": "\(topic)", "reason": "\(reason)"])
        continuation.yield(.resync(topic: topic, reason: reason))
        let frame = connection.configuration.subscriptionFrame
        connection.send(frame("unsubscribe", [topic]))
        connection.send(frame("subscribe", [topic]))
    }
}
