import Core
import Logging

/// What a `BybitPrivateStream` delivers, in order of arrival.
public enum BybitPrivateMessage: Sendable {
    case connected(reconnects: Int)
    case disconnected(reason: String)
    case authenticated
    /// Bybit refused the auth frame (and closes the connection; it is retried with backoff).
    case authenticationFailed(String)
    /// A reply to subscribe / unsubscribe.
    case reply(BybitOpReply)
    /// Updates of the client's orders, with the venue's time of each.
    case orders([BybitOrderUpdate])
    case executions([Fill])
    /// Funding settlements (pushed on `execution` with no order).
    case funding([FundingPayment])
    case positions([BybitPositionUpdate])
    case wallets([BybitWalletBalance])
    /// A frame that could not be decoded; the stream goes on.
    case decodingFailed(BybitDecodingError)
}

/// Bybit V5 private stream (`/v5/private`): authenticates on every connect with
/// `GET/realtime` + expires (server time + 1 s), subscribes to the account topics and decodes
/// them into Keel's types.
public final class BybitPrivateStream: Sendable {
    public static let mainnetURL = "wss://stream.bybit.com/v5/private"
    /// How far past the server's clock the auth signature's `expires` is set (pybit's choice).
    public static let authLifetimeMilliseconds: Int64 = 1000

    public let connection: ReconnectingWebSocket
    public let messages: AsyncStream<BybitPrivateMessage>
    private let continuation: AsyncStream<BybitPrivateMessage>.Continuation
    private let logger: Logger

    /// - Parameter serverNow: the exchange's clock (e.g. `BybitRESTClient.serverNow`).
    public init(
        configuration: ReconnectingWebSocketConfiguration,
        credentials: BybitCredentials,
        topics: [BybitPrivateTopic] = BybitPrivateTopic.allCases,
        serverNow: @escaping @Sendable () -> Timestamp = { Timestamp.systemNow() },
        logger: Logger
    ) {
        let signer = BybitSigner(credentials: credentials)
        connection = ReconnectingWebSocket(configuration: configuration, logger: logger) {
            [signer.webSocketAuthMessage(expires: serverNow().milliseconds + Self.authLifetimeMilliseconds)]
        }
        self.logger = logger
        (messages, continuation) = AsyncStream.makeStream()
        connection.subscribe(topics.map(\.rawValue))
    }

    /// A stream on `url` with Bybit's defaults (ping every 20 s).
    public convenience init(
        url: String = BybitPrivateStream.mainnetURL, credentials: BybitCredentials,
        serverNow: @escaping @Sendable () -> Timestamp = { Timestamp.systemNow() }, logger: Logger
    ) {
        self.init(
            configuration: ReconnectingWebSocketConfiguration(url: url, metricDimensions: bybitStreamDimensions("private")),
            credentials: credentials, serverNow: serverNow, logger: logger)
    }

    /// Connects, keeps connected and delivers `messages` until the calling task is cancelled.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.connection.run() }
            for await event in connection.events {
                switch event {
                case .connected(let reconnects): continuation.yield(.connected(reconnects: reconnects))
                case .disconnected(let reason): continuation.yield(.disconnected(reason: reason))
                case .text(let text): receive(text)
                }
            }
        }
        continuation.finish()
    }

    private func receive(_ text: String) {
        do {
            switch try BybitStreamDecoder.frame(text) {
            case .reply(let reply) where reply.op == "auth":
                continuation.yield(reply.success ? .authenticated : .authenticationFailed(reply.message))
            case .reply(let reply):
                continuation.yield(.reply(reply))
            case .pong:
                break
            case .push(let push):
                if let message = try Self.decode(push) { continuation.yield(message) }
            }
        } catch let error as BybitDecodingError {
            logger.warning("Bybit private stream: undecodable frame", metadata: ["error": "\(error)"])
            continuation.yield(.decodingFailed(error))
        } catch {
            logger.warning("Bybit private stream: unexpected error", metadata: ["error": "\(error)"])
        }
    }

    /// The message for a push on `order`, `execution`, `position` or `wallet` (or their
    /// category forms); nil for other topics.
    static func decode(_ push: BybitPush) throws -> BybitPrivateMessage? {
        let base = push.topic.split(separator: ".").first.map(String.init) ?? push.topic
        switch BybitPrivateTopic(rawValue: base) {
        case .order:
            let records = try BybitStreamDecoder.data([BybitOrderRecord].self, of: push)
            // Orders the venue made itself (the TP/SL orders of a position) carry no
            // orderLinkId: they are no client's orders, and their fills arrive on `execution`.
            return .orders(try records.enumerated().filter { !$0.element.orderLinkID.isEmpty }.map { index, record in
                BybitOrderUpdate(order: try validated(field: "data[\(index)]") { try record.order() }, updatedTime: record.updatedTime)
            })
        case .execution:
            let executions = try BybitStreamDecoder.data([BybitStreamExecution].self, of: push)
            let fills = executions.compactMap(\.fill)
            let funding = executions.compactMap(\.funding)
            // Bybit pushes settlements on their own; should one share a push with fills, the
            // next poll reads it over REST.
            return fills.isEmpty && !funding.isEmpty ? .funding(funding) : .executions(fills)
        case .position: return .positions(try BybitStreamDecoder.data([BybitStreamPosition].self, of: push).map(\.update))
        case .wallet: return .wallets(try BybitStreamDecoder.data([BybitWalletBalance].self, of: push))
        case nil: return nil
        }
    }
}

/// One order update from the venue: the order and the venue's time of this state, which
/// orders updates that arrive out of order.
public struct BybitOrderUpdate: Sendable, Hashable {
    public let order: Order
    public let updatedTime: Timestamp

    public init(order: Order, updatedTime: Timestamp) {
        self.order = order
        self.updatedTime = updatedTime
    }
}

/// One position update from the venue, with the venue's time of it when the push carries one:
/// an older update never overwrites a newer record.
public struct BybitPositionUpdate: Sendable, Hashable {
    public let position: Position
    public let updatedTime: Timestamp?

    public init(position: Position, updatedTime: Timestamp?) {
        self.position = position
        self.updatedTime = updatedTime
    }
}
