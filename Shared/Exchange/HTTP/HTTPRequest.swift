/// An HTTP request method.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let get = HTTPMethod(rawValue: "GET")
    public static let post = HTTPMethod(rawValue: "POST")
    public static let put = HTTPMethod(rawValue: "PUT")
    public static let delete = HTTPMethod(rawValue: "DELETE")
    public static let patch = HTTPMethod(rawValue: "PATCH")
    public static let head = HTTPMethod(rawValue: "HEAD")

    public var description: String { rawValue }
}

/// One HTTP request: method, absolute URL, headers, body bytes and an optional per-request timeout.
public struct HTTPRequest: Sendable, CustomStringConvertible {
    public var method: HTTPMethod
    /// Absolute `http://` or `https://` URL, query string included.
    public var url: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Total time allowed for the request; `nil` uses the client's configured timeout.
    public var timeout: Duration?

    public init(
        method: HTTPMethod = .get,
        url: String,
        headers: HTTPHeaders = [:],
        body: [UInt8] = [],
        timeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// Method, host and path only: no query string (it may carry signed parameters) and no header values.
    public var description: String { "\(method) \(redactedURL(url))" }
}

/// `scheme://host[:port]/path` without user-info, query string or fragment.
func redactedURL(_ url: String) -> String {
    var text = Substring(url)
    if let cut = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<cut] }
    if let schemeEnd = text.range(of: "://") {
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        if let at = rest[..<authorityEnd].lastIndex(of: "@") {
            return String(text[..<schemeEnd.upperBound]) + String(rest[rest.index(after: at)...])
        }
    }
    return String(text)
}
