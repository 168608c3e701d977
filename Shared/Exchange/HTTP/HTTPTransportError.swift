/// A request that produced no HTTP response.
///
/// `description` names the method, host and path, the kind and libcurl's error text; it never
/// includes header values or the query string, which can carry API keys and signatures.
public struct HTTPTransportError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The connect or total timeout ran out. Check `mayHaveExecuted`.
        case timeout
        /// The peer refused the TCP connection: nothing was sent.
        case connectionRefused
        /// The host name could not be resolved: nothing was sent.
        case dnsFailure
        /// TLS handshake or certificate verification failed: nothing was sent.
        case tlsFailure
        /// Another failure while connecting (unreachable network, ...): nothing was sent.
        case connectFailed
        /// The connection broke after it was established (reset, empty reply, send/receive error).
        case connectionLost
        /// The calling task was cancelled and the transfer aborted. Check `mayHaveExecuted`.
        case cancelled
        /// The response body exceeded the client's limit.
        case responseTooLarge
        /// The request could not be sent as given (bad URL, header with a line break, ...).
        case invalidRequest
        /// The client was shut down.
        case shutdown
        /// Anything else libcurl reported.
        case other
    }

    public var kind: Kind
    /// True when the request may have reached the server and been acted on, so a retry of a
    /// non-idempotent request (order placement) must first check the server's state.
    public var mayHaveExecuted: Bool
    /// The libcurl `CURLcode` (0 when the error did not come from libcurl).
    public var curlCode: Int
    /// libcurl's error text, or the client's own reason.
    public var message: String
    /// Method, host and path of the request.
    public var request: String

    public init(kind: Kind, mayHaveExecuted: Bool, curlCode: Int = 0, message: String, request: String) {
        self.kind = kind
        self.mayHaveExecuted = mayHaveExecuted
        self.curlCode = curlCode
        self.message = message
        self.request = request
    }

    public var description: String {
        let code = curlCode == 0 ? "" : " (curl \(curlCode))"
        let executed = mayHaveExecuted ? "; the request may have executed" : ""
        return "\(request): \(kind.rawValue)\(code): \(message)\(executed)"
    }
}
