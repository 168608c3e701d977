import Core
import HummingbirdWSClient
import Logging
import Metrics
import Synchronization

/// What happens on a `ReconnectingWebSocket`, in order.
public enum WebSocketEvent: Sendable {
    /// A connection is up and its greeting and subscriptions are queued. `reconnects` counts the
    /// connections before this one.
    case connected(reconnects: Int)
    /// A text frame received.
    case text(String)
    /// The connection ended (it will be re-established unless the run was cancelled).
    case disconnected(reason: String)
}

/// A WebSocket connection that stays up: it reconnects with backoff and jitter after any
/// failure, sends a heartbeat, closes a link on which nothing arrives, and on every connect
/// sends its greeting (e.g. auth) and then every subscribed topic again, in batches.
///
/// `run()` owns the connection until cancelled; `events` is for one consumer.
public final class ReconnectingWebSocket: Sendable {
    public enum ConnectionError: Error, Sendable, CustomStringConvertible {
        case dead(silentFor: Duration)
        case closedByServer

        public var description: String {
            switch self {
            case .dead(let silence): return "nothing received for \(silence); the connection is dead"
            case .closedByServer: return "the server closed the connection"
            }
        }
    }

    private struct State {
        var outbox: AsyncStream<String>.Continuation?
        var topics: [String] = []
        var reconnects = 0
        /// Whether anything arrived on the current connection (a healthy link resets the backoff).
        var receivedOnConnection = false
    }

    public let configuration: ReconnectingWebSocketConfiguration
    public let events: AsyncStream<WebSocketEvent>
    private let eventsContinuation: AsyncStream<WebSocketEvent>.Continuation
    private let greeting: @Sendable () -> [String]
    private let state = Mutex(State())
    private let lastReceived = Mutex(ContinuousClock.now)
    private let reconnectCounter: Counter
    private let logger: Logger

    /// - Parameter greeting: frames sent first on every connection (e.g. a fresh auth frame).
    public init(configuration: ReconnectingWebSocketConfiguration, logger: Logger, greeting: @escaping @Sendable () -> [String] = { [] }) {
        self.configuration = configuration
        self.logger = logger
        self.greeting = greeting
        (events, eventsContinuation) = AsyncStream.makeStream()
        reconnectCounter = Counter(label: "keel_exchange_ws_reconnects_total", dimensions: configuration.metricDimensions)
    }

    /// Connections made after the first.
    public var reconnects: Int { state.withLock { $0.reconnects } }

    /// The topics sent again on every reconnect.
    public var topics: [String] { state.withLock { $0.topics } }

    /// Adds `topics` (those not already there) and subscribes to them now if connected.
    public func subscribe(_ topics: [String]) {
        state.withLock { state in
            let new = topics.filter { !state.topics.contains($0) }
            state.topics += new
            if let outbox = state.outbox { queueSubscriptions("subscribe", new, on: outbox) }
        }
    }

    /// Removes `topics` and unsubscribes from them now if connected.
    public func unsubscribe(_ topics: [String]) {
        state.withLock { state in
            state.topics.removeAll { topics.contains($0) }
            if let outbox = state.outbox { queueSubscriptions("unsubscribe", topics, on: outbox) }
        }
    }

    /// Sends `text` on the current connection; false when there is none.
    @discardableResult
    public func send(_ text: String) -> Bool {
        state.withLock { state in
            guard let outbox = state.outbox else { return false }
            outbox.yield(text)
            return true
        }
    }

    /// Connects and reconnects until the calling task is cancelled, then finishes `events`.
    public func run() async {
        var failures = 0
        while !Task.isCancelled {
            let received = await connectOnce()
            if Task.isCancelled { break }
            failures = received ? 1 : failures + 1
            let delay = configuration.backoff.delay(afterFailures: failures)
            try? await Task.sleep(for: delay)
            state.withLock { $0.reconnects += 1 }
            reconnectCounter.increment()
            configuration.onReconnect()
        }
        eventsContinuation.finish()
    }

    /// One connection, start to end. Returns whether anything was received on it.
    private func connectOnce() async -> Bool {
        let frames = WebSocketClientConfiguration(maxFrameSize: configuration.maxFrameSize, closeTimeout: .seconds(1))
        do {
            try await WebSocketClient.connect(url: configuration.url, configuration: frames, logger: logger) { inbound, outbound, _ in
                try await self.serve(inbound: inbound, outbound: outbound)
            }
            eventsContinuation.yield(.disconnected(reason: ConnectionError.closedByServer.description))
        } catch is CancellationError {
            eventsContinuation.yield(.disconnected(reason: "cancelled"))
        } catch {
            logger.warning("WebSocket connection ended", metadata: ["url": "\(configuration.url)", "error": "\(error)"])
            eventsContinuation.yield(.disconnected(reason: String(describing: error)))
        }
        return state.withLock { state in
            state.outbox?.finish()
            state.outbox = nil
            defer { state.receivedOnConnection = false }
            return state.receivedOnConnection
        }
    }

    private func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let (outgoing, outbox) = AsyncStream<String>.makeStream()
        lastReceived.withLock { $0 = .now }
        let reconnects = state.withLock { state -> Int in
            state.outbox = outbox
            for frame in greeting() { outbox.yield(frame) }
            queueSubscriptions("subscribe", state.topics, on: outbox)
            return state.reconnects
        }
        eventsContinuation.yield(.connected(reconnects: reconnects))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await frame in outgoing { try await outbound.write(.text(frame)) }
            }
            group.addTask {
                for try await message in inbound.messages(maxSize: self.configuration.maxFrameSize) {
                    self.lastReceived.withLock { $0 = .now }
                    self.state.withLock { $0.receivedOnConnection = true }
                    if case .text(let text) = message { self.eventsContinuation.yield(.text(text)) }
                }
            }
            group.addTask { try await self.keepAlive(outbox) }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Sends the heartbeat every `pingInterval` and throws once the link has been silent for
    /// `deadAfter`.
    private func keepAlive(_ outbox: AsyncStream<String>.Continuation) async throws {
        let check = min(configuration.pingInterval, configuration.deadAfter) / 4
        var lastPing = ContinuousClock.now
        while true {
            try await Task.sleep(for: check)
            let silence = ContinuousClock.now - lastReceived.withLock { $0 }
            if silence > configuration.deadAfter { throw ConnectionError.dead(silentFor: silence) }
            if ContinuousClock.now - lastPing >= configuration.pingInterval {
                outbox.yield(configuration.pingMessage)
                lastPing = .now
            }
        }
    }

    private func queueSubscriptions(_ op: String, _ topics: [String], on outbox: AsyncStream<String>.Continuation) {
        for batch in topicBatches(topics, maxCharacters: configuration.maxArgsCharacters) {
            outbox.yield(configuration.subscriptionFrame(op, batch))
        }
    }
}
