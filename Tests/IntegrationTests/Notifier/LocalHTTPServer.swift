import Hummingbird
import Synchronization

/// A Hummingbird server on a free loopback port for a stand-in of an outside service.
final class LocalHTTPServer: Sendable {
    private let server = Mutex<Task<Void, any Error>?>(nil)

    /// Serves `router`; returns `http://127.0.0.1:<port>`.
    func start(_ router: Router<BasicRequestContext>) async throws -> String {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            })
        server.withLock { $0 = Task { try await app.runService(gracefulShutdownSignals: []) } }
        for await port in ports { return "http://127.0.0.1:\(port)" }
        throw CancellationError()
    }

    func stop() async {
        let task = server.withLock { $0 }
        task?.cancel()
        _ = try? await task?.value
    }
}
