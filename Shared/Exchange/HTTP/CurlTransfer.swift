import CCurl
import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Per-request state that libcurl's callbacks reach through their user-data pointer (`Unmanaged`).
///
/// `@unchecked Sendable`: `body`, `headers` and `tooLarge` are touched only on the worker's serial
/// queue (by the callbacks inside `curl_easy_perform`, then by the code that reads the result on
/// that same queue); `cancelled` is atomic and is the only field written from other threads.
final class CurlTransferState: @unchecked Sendable {
    var body: [UInt8] = []
    var headers: [HTTPHeaders.Field] = []
    var tooLarge = false
    let maxBodyBytes: Int
    let cancelled = Atomic<Bool>(false)

    init(maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
    }

    func appendBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= maxBodyBytes else {
            tooLarge = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    /// One raw header line from libcurl, CRLF included. A status line starts a new header block
    /// (interim `100 Continue` responses), so earlier fields are dropped.
    func appendHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        // Strip CR/LF as bytes: "\r\n" is a single Swift Character, so Character-wise trimming misses it.
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x0D || bytes[end - 1] == 0x0A { end -= 1 }
        guard end > 0 else { return }
        let line = Substring(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[..<end]), as: UTF8.self))
        if line.hasPrefix("HTTP/") {
            headers.removeAll()
            return
        }
        if let first = line.first, first == " " || first == "\t" {
            // Obsolete line folding: continues the previous field's value.
            if !headers.isEmpty {
                headers[headers.count - 1].value += " " + line.trimmingSpaces()
            }
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon].trimmingSpaces())
        let value = String(line[line.index(after: colon)...].trimmingSpaces())
        headers.append(HTTPHeaders.Field(name: name, value: value))
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}

/// One reusable libcurl easy handle with the serial queue that runs its blocking transfers.
///
/// Keeping the handle between requests keeps its connection cache, so kept-alive connections
/// (and TLS sessions) are reused. `@unchecked Sendable`: a worker belongs to one request at a
/// time (the pool hands it out exclusively) and the handle is only used on `queue`.
final class CurlWorker: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    let queue: DispatchQueue
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private static let errorBufferSize = Int(CURL_ERROR_SIZE)

    init?(index: Int) {
        CurlGlobal.initialize()
        guard let handle = curl_easy_init() else { return nil }
        self.handle = handle
        self.queue = DispatchQueue(label: "keel.http.curl.\(index)")
        self.errorBuffer = .allocate(capacity: Self.errorBufferSize)
        self.errorBuffer.initialize(repeating: 0, count: Self.errorBufferSize)
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Runs one transfer synchronously. Call only on `queue`.
    func perform(
        _ request: HTTPRequest,
        configuration: CurlHTTPClient.Configuration,
        state: CurlTransferState
    ) -> Result<HTTPResponse, HTTPTransportError> {
        let label = request.description
        func invalid(_ message: String) -> Result<HTTPResponse, HTTPTransportError> {
            .failure(HTTPTransportError(kind: .invalidRequest, mayHaveExecuted: false, message: message, request: label))
        }
        guard request.url.hasPrefix("http://") || request.url.hasPrefix("https://") else {
            return invalid("URL must start with http:// or https://")
        }
        guard !request.url.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            return invalid("URL contains a space or control character")
        }
        guard !request.method.rawValue.isEmpty,
            request.method.rawValue.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else {
            return invalid("invalid method")
        }

        // Header list; names and values are validated but never echoed into messages.
        var list: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(list) }
        var hasExpect = false
        for (index, field) in request.headers.fields.enumerated() {
            let badName = field.name.isEmpty || field.name.utf8.contains { $0 <= 0x20 || $0 >= 0x7F || $0 == UInt8(ascii: ":") }
            let badValue = field.value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 }
            if badName || badValue {
                return invalid("header field #\(index + 1) has an invalid \(badName ? "name" : "value")")
            }
            if field.name.lowercased() == "expect" { hasExpect = true }
            // "Name;" is curl's way to send a header with an empty value.
            let line = field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)"
            guard let appended = curl_slist_append(list, line) else { return invalid("out of memory for headers") }
            list = appended
        }
        if !hasExpect, !request.body.isEmpty {
            // No "Expect: 100-continue" round trip for larger bodies.
            guard let appended = curl_slist_append(list, "Expect:") else { return invalid("out of memory for headers") }
            list = appended
        }

        curl_easy_reset(handle)  // clears options, keeps live connections, DNS and TLS session caches
        errorBuffer[0] = 0
        var setupError: CURLcode = CURLE_OK
        func check(_ code: CURLcode) {
            if setupError == CURLE_OK, code != CURLE_OK { setupError = code }
        }
        let timeout = request.timeout ?? configuration.timeout

        check(keel_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        check(keel_curl_setopt_string(handle, CURLOPT_URL, request.url))
        check(keel_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
        check(keel_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        check(keel_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.curlMilliseconds))
        check(keel_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, timeout.curlMilliseconds))
        check(keel_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1))
        check(keel_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2))
        if let caFile = configuration.caFile {
            check(keel_curl_setopt_string(handle, CURLOPT_CAINFO, caFile))
        }
        check(keel_curl_setopt_string(handle, CURLOPT_USERAGENT, configuration.userAgent))
        check(keel_curl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, ""))  // every encoding libcurl can decode
        check(keel_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0))
        if let keepAlive = configuration.tcpKeepAlive {
            let seconds = max(1, keepAlive.curlMilliseconds / 1000)
            check(keel_curl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1))
            check(keel_curl_setopt_long(handle, CURLOPT_TCP_KEEPIDLE, seconds))
            check(keel_curl_setopt_long(handle, CURLOPT_TCP_KEEPINTVL, seconds))
        }

        if request.method == .head {
            check(keel_curl_setopt_long(handle, CURLOPT_NOBODY, 1))
        } else if request.method == .get && request.body.isEmpty {
            check(keel_curl_setopt_long(handle, CURLOPT_HTTPGET, 1))
        } else if request.method == .post || !request.body.isEmpty {
            check(keel_curl_setopt_long(handle, CURLOPT_POST, 1))
            check(keel_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
            // COPYPOSTFIELDS copies POSTFIELDSIZE bytes right away, so the array need not outlive this call.
            if request.body.isEmpty {
                check(keel_curl_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, ""))
            } else {
                check(request.body.withUnsafeBytes { bytes in
                    keel_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
                })
            }
            if request.method != .post {
                check(keel_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method.rawValue))
            }
        } else {
            check(keel_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method.rawValue))
        }
        check(keel_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, list))

        let userData = Unmanaged.passUnretained(state).toOpaque()
        check(keel_curl_setopt_write_function(handle) { data, size, count, userData in
            guard let userData else { return 0 }
            let state = Unmanaged<CurlTransferState>.fromOpaque(userData).takeUnretainedValue()
            let length = size * count
            guard length > 0, let data else { return length }
            // Returning anything but `length` makes libcurl abort with CURLE_WRITE_ERROR.
            return state.appendBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
        })
        check(keel_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, userData))
        check(keel_curl_setopt_header_function(handle) { data, size, count, userData in
            guard let userData else { return 0 }
            let state = Unmanaged<CurlTransferState>.fromOpaque(userData).takeUnretainedValue()
            let length = size * count
            guard length > 0, let data else { return length }
            state.appendHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
            return length
        })
        check(keel_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, userData))
        // Progress callback: polled by libcurl at least about once a second, aborts a cancelled request.
        check(keel_curl_setopt_xferinfo_function(handle) { userData, _, _, _, _ in
            guard let userData else { return 0 }
            let state = Unmanaged<CurlTransferState>.fromOpaque(userData).takeUnretainedValue()
            return state.cancelled.load(ordering: .relaxed) ? 1 : 0
        })
        check(keel_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, userData))
        check(keel_curl_setopt_long(handle, CURLOPT_NOPROGRESS, 0))

        if setupError != CURLE_OK {
            let kind: HTTPTransportError.Kind =
                setupError == CURLE_URL_MALFORMAT || setupError == CURLE_UNSUPPORTED_PROTOCOL ? .invalidRequest : .other
            return .failure(error(kind: kind, code: setupError, mayHaveExecuted: false, label: label))
        }
        if state.cancelled.load(ordering: .relaxed) {
            return .failure(HTTPTransportError(kind: .cancelled, mayHaveExecuted: false, message: "cancelled before sending", request: label))
        }

        let code = withExtendedLifetime(state) { curl_easy_perform(handle) }

        var status = 0
        var connects = 0
        var localPort = 0
        var totalMicros: curl_off_t = 0
        status = longInfo(CURLINFO_RESPONSE_CODE)
        connects = longInfo(CURLINFO_NUM_CONNECTS)
        localPort = longInfo(CURLINFO_LOCAL_PORT)
        _ = keel_curl_getinfo_off_t(handle, CURLINFO_TOTAL_TIME_T, &totalMicros)

        if code == CURLE_OK {
            return .success(HTTPResponse(
                status: status,
                headers: HTTPHeaders(state.headers),
                body: state.body,
                elapsed: .microseconds(Int64(totalMicros)),
                newConnections: connects,
                localPort: localPort
            ))
        }

        // Once libcurl got to the point of sending (pretransfer time set) the server may have the request.
        var pretransferMicros: curl_off_t = 0
        _ = keel_curl_getinfo_off_t(handle, CURLINFO_PRETRANSFER_TIME_T, &pretransferMicros)
        let requestSize = longInfo(CURLINFO_REQUEST_SIZE)
        let sent = pretransferMicros > 0 || requestSize > 0 || status > 0

        let kind: HTTPTransportError.Kind
        var mayHaveExecuted = sent
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            kind = .timeout
        case CURLE_ABORTED_BY_CALLBACK:
            kind = .cancelled
        case CURLE_WRITE_ERROR where state.tooLarge:
            kind = .responseTooLarge
        case CURLE_COULDNT_CONNECT:
            kind = longInfo(CURLINFO_OS_ERRNO) == Int(ECONNREFUSED) ? .connectionRefused : .connectFailed
            mayHaveExecuted = false
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            kind = .dnsFailure
            mayHaveExecuted = false
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
            CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ENGINE_NOTFOUND,
            CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_USE_SSL_FAILED:
            kind = .tlsFailure
            mayHaveExecuted = false
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            kind = .invalidRequest
            mayHaveExecuted = false
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2,
            CURLE_HTTP2_STREAM, CURLE_WEIRD_SERVER_REPLY:
            kind = .connectionLost
        default:
            kind = .other
        }
        return .failure(error(kind: kind, code: code, mayHaveExecuted: mayHaveExecuted, label: label))
    }

    private func longInfo(_ info: CURLINFO) -> Int {
        var value = 0
        guard keel_curl_getinfo_long(handle, info, &value) == CURLE_OK else { return 0 }
        return value
    }

    private func error(kind: HTTPTransportError.Kind, code: CURLcode, mayHaveExecuted: Bool, label: String) -> HTTPTransportError {
        var message = String(cString: errorBuffer)
        if message.isEmpty { message = String(cString: curl_easy_strerror(code)) }
        return HTTPTransportError(
            kind: kind, mayHaveExecuted: mayHaveExecuted, curlCode: Int(code.rawValue), message: message, request: label)
    }
}

/// `curl_global_init` exactly once, before the first handle (a lazily initialised static is thread-safe).
enum CurlGlobal {
    private static let initialized: Bool = keel_curl_global_init_default() == CURLE_OK
    static func initialize() { _ = initialized }
}

extension Duration {
    /// Whole milliseconds for a libcurl `long` option, at least 1 (0 would mean "no limit").
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        let millis = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int(max(1, min(millis, Int64(Int32.max))))
    }
}
