/// HTTP/1.1 and HTTPS client on libcurl with a pool of reusable easy handles.
///
/// Each pooled handle keeps its own kept-alive connection, so at most `maxConnections`
/// requests run at once and later requests reuse warm connections. Every transfer runs on its
/// handle's own serial `DispatchQueue`, never on Swift's cooperative pool. Any HTTP status is
/// returned as an `HTTPResponse`; only transport failures throw `HTTPTransportError`.
public final class CurlHTTPClient: Sendable {
    public struct Configuration: Sendable {
        /// Pooled easy handles, hence concurrent requests and open connections.
        public var maxConnections: Int
        public var connectTimeout: Duration
        /// Total time per request unless the request carries its own `timeout`.
        public var timeout: Duration
        public var userAgent: String
        /// TCP keepalive idle time and probe interval; `nil` turns TCP keepalive off.
        public var tcpKeepAlive: Duration?
        /// Responses with larger bodies fail with `.responseTooLarge`.
        public var maxResponseBytes: Int
        /// CA bundle file; `nil` uses the system's CA store. Peer and host verification are always on.
        public var caFile: String?

        public init(
            maxConnections: Int = 8,
            connectTimeout: Duration = .seconds(5),
            timeout: Duration = .seconds(10),
            userAgent: String = "keel/1",
            tcpKeepAlive: Duration? = .seconds(30),
            maxResponseBytes: Int = 32 << 20,
            caFile: String? = nil
        ) {
            self.maxConnections = maxConnections
            self.connectTimeout = connectTimeout
            self.timeout = timeout
            self.userAgent = userAgent
            self.tcpKeepAlive = tcpKeepAlive
            self.maxResponseBytes = maxResponseBytes
            self.caFile = caFile
        }
    }

    public let configuration: Configuration
    private let pool: CurlHandlePool

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.pool = CurlHandlePool(maxHandles: configuration.maxConnections)
    }

    deinit {
        pool.shutdown()
    }

    /// Sends `request` and returns the response, whatever its status.
    ///
    /// Waits for a free pooled handle when all are busy. Cancelling the calling task aborts the
    /// transfer within about a second and throws `.cancelled`.
    public func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        let label = request.description
        let worker: CurlWorker
        switch await pool.acquire() {
        case .worker(let acquired): worker = acquired
        case .cancelled:
            throw HTTPTransportError(kind: .cancelled, mayHaveExecuted: false, message: "cancelled while waiting for a connection", request: label)
        case .shutdown:
            throw HTTPTransportError(kind: .shutdown, mayHaveExecuted: false, message: "client is shut down", request: label)
        }
        defer { pool.release(worker) }

        let state = CurlTransferState(maxBodyBytes: configuration.maxResponseBytes)
        let configuration = self.configuration
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<HTTPResponse, HTTPTransportError>, Never>) in
                worker.queue.async {
                    continuation.resume(returning: worker.perform(request, configuration: configuration, state: state))
                }
            }
        } onCancel: {
            state.cancelled.store(true, ordering: .relaxed)
        }
        return try result.get()
    }

    /// Closes idle connections and refuses new requests; requests in flight finish normally.
    public func shutdown() {
        pool.shutdown()
    }

    /// Easy handles currently open (each holds at most one kept-alive connection per host).
    public var openConnections: Int { pool.openHandles }
}
