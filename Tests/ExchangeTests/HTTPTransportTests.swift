import Exchange
import Hummingbird
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Hummingbird re-exports HTTPTypes' HTTPRequest/HTTPResponse; in this file the names mean Keel's.
private typealias HTTPRequest = Exchange.HTTPRequest
private typealias HTTPResponse = Exchange.HTTPResponse

/// Request context that remembers the client's TCP port, so the server can count connections.
private struct PortContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let remotePort: Int

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remotePort = source.channel.remoteAddress?.port ?? 0
    }
}

/// What the loopback server saw.
private final class ServerLog: Sendable {
    private let ports = Mutex<Set<Int>>([])
    func record(_ port: Int) { _ = ports.withLock { $0.insert(port) } }
    var distinctPorts: Int { ports.withLock { $0.count } }
}

private func makeRouter(log: ServerLog) -> Router<PortContext> {
    let router = Router(context: PortContext.self)
    router.middlewares.add(PortRecorder(log: log))

    @Sendable func echo(_ request: Request, _ context: PortContext) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 20)
        var headers = HTTPFields()
        headers[.init("X-Echo-Method")!] = request.method.rawValue
        headers[.init("X-Echo-Api-Key-Length")!] = String(request.headers[.init("X-Bapi-Api-Key")!]?.count ?? -1)
        headers[.init("X-Echo-Content-Type")!] = request.headers[.contentType] ?? ""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }
    router.get("/echo", use: echo)
    router.post("/echo", use: echo)
    router.put("/echo", use: echo)
    router.delete("/echo", use: echo)

    router.get("/status/{code}") { _, context -> Response in
        let code = context.parameters.get("code", as: Int.self) ?? 500
        var headers = HTTPFields()
        headers[.init("X-Bapi-Limit-Status")!] = "99"
        headers[.init("X-Bapi-Limit")!] = "100"
        headers.append(.init(name: .init("X-Multi")!, value: "a"))
        headers.append(.init(name: .init("X-Multi")!, value: "b"))
        return Response(status: .init(code: code), headers: headers, body: .init(byteBuffer: ByteBuffer(string: "status \(code)")))
    }
    router.get("/slow") { _, _ -> Response in
        try await Task.sleep(for: .seconds(3))
        return Response(status: .ok)
    }
    router.get("/port") { _, context -> Response in
        Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: String(context.remotePort))))
    }
    return router
}

private struct PortRecorder: RouterMiddleware {
    typealias Context = PortContext
    let log: ServerLog
    func handle(_ request: Request, context: PortContext, next: (Request, PortContext) async throws -> Response) async throws -> Response {
        log.record(context.remotePort)
        return try await next(request, context)
    }
}

/// Runs a Hummingbird server on an ephemeral loopback port for the duration of `body`.
private func withServer(_ body: @Sendable (_ baseURL: String, _ log: ServerLog) async throws -> Void) async throws {
    let log = ServerLog()
    let (ports, portSink) = AsyncStream<Int>.makeStream()
    let app = Application(
        router: makeRouter(log: log),
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            portSink.yield(channel.localAddress?.port ?? 0)
            portSink.finish()
        }
    )
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        try #require(port > 0)
        do {
            try await body("http://127.0.0.1:\(port)", log)
        } catch {
            group.cancelAll()
            throw error
        }
        group.cancelAll()
    }
}

/// A loopback TCP port with nobody listening: bound to learn a free number, then closed.
private func closedPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    try #require(fd >= 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
            bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
        }
    }
    try #require(bound)
    return Int(UInt16(bigEndian: address.sin_port))
}

private func transportError(_ operation: () async throws -> Void) async -> HTTPTransportError? {
    do {
        try await operation()
        return nil
    } catch let error as HTTPTransportError {
        return error
    } catch {
        return nil
    }
}

@Suite("HTTP transport (libcurl) over loopback", .serialized)
struct HTTPTransportTests {
    @Test("GET, POST, PUT and DELETE round-trip exact body bytes and the method")
    func roundTrip() async throws {
        try await withServer { base, _ in
            let client = CurlHTTPClient()
            let get = try await client.send(HTTPRequest(url: "\(base)/echo?symbol=BTCUSDT"))
            #expect(get.status == 200)
            #expect(get.body.isEmpty)
            #expect(get.headers["X-Echo-Method"] == "GET")

            var bytes = Array(UInt8.min...UInt8.max)  // every byte value, NUL included
            bytes += Array(#"{"category":"linear","symbol":"BTCUSDT","qty":"0.001"}"#.utf8)
            bytes += Array(repeating: 0x41, count: 4000)  // larger than curl's 100-continue threshold
            let post = try await client.send(HTTPRequest(
                method: .post, url: "\(base)/echo",
                headers: ["Content-Type": "application/json", "X-BAPI-API-KEY": "key-123"],
                body: bytes))
            #expect(post.status == 200)
            #expect(post.body == bytes)
            #expect(post.headers["x-echo-method"] == "POST")
            #expect(post.headers["x-echo-content-type"] == "application/json")
            #expect(post.headers["x-echo-api-key-length"] == "7")
            #expect(post.elapsed > .zero)

            let emptyPost = try await client.send(HTTPRequest(method: .post, url: "\(base)/echo"))
            #expect(emptyPost.status == 200)
            #expect(emptyPost.body.isEmpty)

            for method in [HTTPMethod.put, .delete] {
                let response = try await client.send(HTTPRequest(method: method, url: "\(base)/echo", body: Array("x=1".utf8)))
                #expect(response.status == 200)
                #expect(response.headers["X-Echo-Method"] == method.rawValue)
                #expect(response.bodyText == "x=1")
            }
        }
    }

    @Test("response headers are looked up case-insensitively, repeated names keep every value")
    func headers() async throws {
        try await withServer { base, _ in
            let response = try await CurlHTTPClient().send(HTTPRequest(url: "\(base)/status/200"))
            #expect(response.status == 200)
            #expect(response.headers["X-Bapi-Limit-Status"] == "99")
            #expect(response.headers["x-bapi-limit-status"] == "99")
            #expect(response.headers["X-BAPI-LIMIT"] == "100")
            #expect(response.headers.values(for: "x-multi") == ["a", "b"])
            #expect(response.headers["Missing"] == nil)
            #expect(response.bodyText == "status 200")
        }
    }

    @Test("non-2xx statuses are responses, not errors", arguments: [400, 403, 404, 429, 500, 503])
    func non2xx(status: Int) async throws {
        try await withServer { base, _ in
            let response = try await CurlHTTPClient().send(HTTPRequest(url: "\(base)/status/\(status)"))
            #expect(response.status == status)
            #expect(!response.isSuccess)
            #expect(response.bodyText == "status \(status)")
            #expect(response.headers["X-Bapi-Limit-Status"] == "99")
        }
    }

    @Test("a slow response hits the timeout as a typed timeout that may have executed")
    func timeout() async throws {
        try await withServer { base, _ in
            let client = CurlHTTPClient(configuration: .init(timeout: .seconds(30)))
            let clock = ContinuousClock()
            let start = clock.now
            let error = await transportError {
                _ = try await client.send(HTTPRequest(url: "\(base)/slow", timeout: .milliseconds(300)))
            }
            let elapsed = clock.now - start
            #expect(error?.kind == .timeout)
            #expect(error?.mayHaveExecuted == true)
            #expect(error?.curlCode == 28)
            #expect(elapsed < .seconds(2))
            // The client stays usable after a timeout.
            let after = try await client.send(HTTPRequest(url: "\(base)/status/200"))
            #expect(after.status == 200)
        }
    }

    @Test("connection refused on a closed port is a typed error that did not execute")
    func connectionRefused() async throws {
        let port = try closedPort()
        let error = await transportError {
            _ = try await CurlHTTPClient().send(HTTPRequest(method: .post, url: "http://127.0.0.1:\(port)/v5/order/create", body: [1]))
        }
        #expect(error?.kind == .connectionRefused)
        #expect(error?.mayHaveExecuted == false)
        #expect(error?.message.isEmpty == false)
        #expect(error?.description.contains("127.0.0.1") == true)
    }

    @Test("TLS to a plain-HTTP port is a typed TLS failure that did not execute")
    func tlsFailure() async throws {
        try await withServer { base, _ in
            let httpsURL = "https" + base.dropFirst("http".count) + "/status/200"
            let error = await transportError {
                _ = try await CurlHTTPClient().send(HTTPRequest(method: .post, url: httpsURL, body: [1]))
            }
            #expect(error?.kind == .tlsFailure)
            #expect(error?.mayHaveExecuted == false)
        }
    }

    @Test("a body over maxResponseBytes fails as responseTooLarge; the client stays usable")
    func responseTooLarge() async throws {
        try await withServer { base, _ in
            let client = CurlHTTPClient(configuration: .init(maxResponseBytes: 1024))
            let error = await transportError {
                _ = try await client.send(HTTPRequest(method: .post, url: "\(base)/echo", body: Array(repeating: 7, count: 4096)))
            }
            #expect(error?.kind == .responseTooLarge)
            let small = try await client.send(HTTPRequest(method: .post, url: "\(base)/echo", body: Array(repeating: 7, count: 1024)))
            #expect(small.body.count == 1024)
        }
    }

    @Test("many concurrent requests succeed over at most maxConnections reused connections")
    func concurrencyAndReuse() async throws {
        try await withServer { base, log in
            let client = CurlHTTPClient(configuration: .init(maxConnections: 4))
            let responses = try await withThrowingTaskGroup(of: HTTPResponse.self) { group in
                for _ in 0..<64 {
                    group.addTask { try await client.send(HTTPRequest(url: "\(base)/port")) }
                }
                return try await group.reduce(into: [HTTPResponse]()) { $0.append($1) }
            }
            #expect(responses.count == 64)
            #expect(responses.allSatisfy { $0.status == 200 })
            // The server saw each request on the client's local port.
            #expect(responses.allSatisfy { $0.bodyText == String($0.localPort) })
            let opened = responses.map(\.newConnections).reduce(0, +)
            #expect(opened >= 1 && opened <= 4)
            #expect(Set(responses.map(\.localPort)).count <= 4)
            #expect(log.distinctPorts <= 4)
            #expect(client.openConnections <= 4)

            // Sequential requests afterwards reuse the kept-alive connections.
            for _ in 0..<10 {
                let response = try await client.send(HTTPRequest(url: "\(base)/port"))
                #expect(response.newConnections == 0)
                #expect(Set(responses.map(\.localPort)).contains(response.localPort))
            }
            #expect(log.distinctPorts <= 4)
        }
    }

    @Test("header values and query strings never appear in error descriptions")
    func secretsStayOut() async throws {
        let apiKey = "APIKEY-7f3a9c1e"
        let signature = "SIGNATURE-c0ffee42"
        let headers: HTTPHeaders = ["X-BAPI-API-KEY": apiKey, "X-BAPI-SIGN": signature, "X-BAPI-TIMESTAMP": "1700000000000"]
        @Sendable func assertClean(_ text: String) {
            #expect(!text.contains(apiKey))
            #expect(!text.contains(signature))
            #expect(!text.contains("QUERYSECRET"))
        }
        assertClean(headers.description)
        assertClean(String(describing: HTTPRequest(url: "http://user:QUERYSECRET@127.0.0.1/x?sign=QUERYSECRET", headers: headers)))

        let port = try closedPort()
        let refused = await transportError {
            _ = try await CurlHTTPClient().send(HTTPRequest(url: "http://127.0.0.1:\(port)/v5/account?k=QUERYSECRET", headers: headers))
        }
        #expect(refused != nil)
        assertClean(String(describing: refused))
        assertClean(refused?.localizedDescription ?? "")

        // A header value with a line break is refused without echoing the value.
        var injected = headers
        injected.add(name: "X-Evil", value: "\(apiKey)\r\nX-Injected: 1")
        let invalid = await transportError {
            _ = try await CurlHTTPClient().send(HTTPRequest(url: "http://127.0.0.1:\(port)/", headers: injected))
        }
        #expect(invalid?.kind == .invalidRequest)
        #expect(invalid?.mayHaveExecuted == false)
        assertClean(String(describing: invalid))

        let badURL = await transportError {
            _ = try await CurlHTTPClient().send(HTTPRequest(url: "http://127.0.0.1:\(port)/a b\r\nX-Injected: 1"))
        }
        #expect(badURL?.kind == .invalidRequest)

        try await withServer { base, _ in
            let timedOut = await transportError {
                _ = try await CurlHTTPClient().send(HTTPRequest(url: "\(base)/slow?sign=QUERYSECRET", headers: headers, timeout: .milliseconds(200)))
            }
            #expect(timedOut?.kind == .timeout)
            assertClean(String(describing: timedOut))
        }
    }

    @Test("cancelling the calling task aborts an in-flight request promptly")
    func cancellation() async throws {
        try await withServer { base, _ in
            let client = CurlHTTPClient(configuration: .init(maxConnections: 1, timeout: .seconds(30)))
            let clock = ContinuousClock()
            let start = clock.now
            let task = Task {
                await transportError { _ = try await client.send(HTTPRequest(url: "\(base)/slow")) }
            }
            // A second request waits for the only handle; cancelling it must not hang either.
            let waiting = Task {
                await transportError { _ = try await client.send(HTTPRequest(url: "\(base)/slow")) }
            }
            try await Task.sleep(for: .milliseconds(300))
            waiting.cancel()
            task.cancel()
            let error = await task.value
            let waitingError = await waiting.value
            #expect(error?.kind == .cancelled)
            #expect(waitingError?.kind == .cancelled)
            // Whichever task was still waiting for the handle never sent anything.
            #expect([error, waitingError].contains { $0?.mayHaveExecuted == false })
            #expect(clock.now - start < .seconds(2.5))
            let after = try await client.send(HTTPRequest(url: "\(base)/status/204"))
            #expect(after.status == 204)
        }
    }
}
