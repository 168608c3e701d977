import Core
import Hummingbird
import HummingbirdWebSocket

/// Bybit V5 WebSocket streams: `/v5/public/linear` (order books, trades, klines, tickers) and
/// `/v5/private` (auth, then order / execution / position / wallet), on the REST port.
extension BybitSimulator {
    /// The largest client frame read (Bybit caps subscribe args at 21,000 characters).
    static let maxInboundFrame = 1 << 16

    /// Registers `handler` to run at every tick of the simulator's loop, with the tick's time
    /// (the matching engine's `advance(to:)`).
    public func onTick(_ handler: @escaping @Sendable (Timestamp) -> Void) {
        streams.addTickHandler(handler)
    }

    /// Fault injection: closes every live WebSocket connection at once.
    public func dropWebSocketConnections() {
        streams.dropAll()
    }

    /// Fault injection: the next order-book delta pushed (on any connection) is left out, so
    /// its subscriber sees a gap in `u`.
    public func skipNextOrderBookDelta() {
        streams.skipBookDeltas(1)
    }

    /// Live WebSocket connections, public and private.
    public var webSocketConnectionCount: Int { streams.connectionCount }

    /// One tick at the clock's time: tick handlers, then stream pushes.
    func tick() {
        streams.tick(simulator: self, now: clock.now())
    }

    /// The tick loop to run beside the server.
    var tickLoop: SimulatorTickLoop { SimulatorTickLoop(simulator: self, interval: configuration.tickInterval) }

    /// Frames up to 4 MB; protocol pings answered, none sent; a close handshake waits 1 s at most.
    var webSocketChannel: HTTP1WebSocketUpgradeChannel.Configuration {
        .init(ws: WebSocketServerConfiguration(maxFrameSize: 1 << 22, autoPing: .disabled, closeTimeout: .seconds(1)))
    }

    /// The routes upgraded to WebSocket: the stream paths.
    var webSocketRouter: Router<BasicWebSocketRequestContext> {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.ws("/v5/public/linear") { [self] inbound, outbound, _ in
            let session = PublicSession()
            await serve(session.outbox, public: session, inbound: inbound, outbound: outbound) { request in
                session.handle(request, simulator: self, now: self.clock.now())
            }
        }
        router.ws("/v5/private") { [self] inbound, outbound, _ in
            let session = PrivateSession()
            await serve(session.outbox, inbound: inbound, outbound: outbound, alongside: session.forwardEvents) { request in
                session.handle(request, simulator: self, now: self.clock.now())
            }
        }
        return router
    }

    /// `POST /sim/faults/drop-websockets`: `dropWebSocketConnections()` for `keel sim` users.
    func addFaultRoutes(to router: Router<BasicRequestContext>) {
        router.post("/sim/faults/drop-websockets") { [self] _, _ -> Response in
            let dropped = webSocketConnectionCount
            dropWebSocketConnections()
            let body = SimJSON.object([("dropped", .int(Int64(dropped)))]).serialized
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
    }

    /// Runs one connection: writes the outbox, reads client frames into `handle`, and runs
    /// `alongside`; whichever ends first ends the connection.
    private func serve(
        _ outbox: StreamOutbox, public session: PublicSession? = nil,
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
        alongside: @escaping @Sendable () async -> Void = {},
        handle: @escaping @Sendable (StreamRequest) -> Void
    ) async {
        let key = streams.add(outbox, public: session)
        defer {
            streams.remove(key)
            outbox.close()
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await frame in outbox.frames {
                    do { try await outbound.write(.text(frame)) } catch { return }
                }
            }
            group.addTask {
                do {
                    for try await message in inbound.messages(maxSize: Self.maxInboundFrame) {
                        guard case .text(let text) = message else { continue }
                        guard let request = StreamRequest.parse(text) else {
                            outbox.send(StreamReply.ack(
                                op: "", success: false, message: "Invalid JSON: \(self.excerpt(text))", connectionID: outbox.connectionID, reqID: nil))
                            continue
                        }
                        handle(request)
                    }
                } catch {}
            }
            group.addTask {
                await alongside()
                // A connection with nothing alongside runs until its reader or writer ends.
                while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
            }
            _ = await group.next()
            group.cancelAll()
        }
    }

    private func excerpt(_ text: String) -> String {
        text.count > 100 ? String(text.prefix(99)) + "…" : text
    }
}
