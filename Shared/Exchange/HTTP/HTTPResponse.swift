/// A complete HTTP response. Any status code, 2xx or not, is a response rather than an error.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Time from the start of the transfer to its end, as libcurl measured it (excludes waiting for a pool handle).
    public var elapsed: Duration
    /// Connections libcurl had to open for this request: 0 means a kept-alive connection was reused.
    public var newConnections: Int
    /// Local TCP port of the connection that carried the request (0 if unknown).
    public var localPort: Int

    public init(
        status: Int,
        headers: HTTPHeaders = [:],
        body: [UInt8] = [],
        elapsed: Duration = .zero,
        newConnections: Int = 0,
        localPort: Int = 0
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.elapsed = elapsed
        self.newConnections = newConnections
        self.localPort = localPort
    }

    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The body decoded as UTF-8 (invalid sequences repaired).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
