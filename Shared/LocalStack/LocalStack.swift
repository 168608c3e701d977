import Bus
import Config
import Foundation
import Locks
import Logging
import Runtime
import Store
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The five services as separate processes on a broker of their own (Tansu, memory storage, so
/// no other stack's topics or committed offsets leak in), a fresh PostgreSQL database and a
/// flushed Redis database, against an exchange simulator already listening. Used by the
/// end-to-end tests and `keel bench pipeline`. Each process logs to `<directory>/<name>.log`.
public final class LocalStack: @unchecked Sendable {
    public static let services = ["marketdata", "signals", "risk", "execution", "notifier"]

    public struct Setup: Sendable {
        /// Where the `keel-<service>` executables are.
        public var binDirectory: URL
        /// The Tansu executable.
        public var brokerBinary: String
        /// The PostgreSQL server (its `database` is replaced by a new one) and Redis.
        public var postgres: PostgresConfig
        public var redis: RedisConfig
        /// The simulator's HTTP port on loopback.
        public var simulatorPort: Int
        /// Config lines appended to the generated file (e.g. `markets:` and `signals:`).
        public var extraConfig: String
        /// Logs and the generated config go here.
        public var directory: URL
        public var logLevel: String
        /// The services started: all five unless a test wants only some of them.
        public var services: [String]

        public init(
            binDirectory: URL, brokerBinary: String, postgres: PostgresConfig, redis: RedisConfig, simulatorPort: Int,
            extraConfig: String, directory: URL, logLevel: String = "info", services: [String] = LocalStack.services
        ) {
            self.binDirectory = binDirectory
            self.brokerBinary = brokerBinary
            self.postgres = postgres
            self.redis = redis
            self.simulatorPort = simulatorPort
            self.extraConfig = extraConfig
            self.directory = directory
            self.logLevel = logLevel
            self.services = services
        }
    }

    public struct ServiceExited: Error, CustomStringConvertible {
        public let name: String
        public let log: String
        public var description: String { "keel-\(name) exited; the end of its log:\n\(log)" }
    }

    public let setup: Setup
    /// The configuration every service of the stack reads.
    public let config: KeelConfig
    /// Each service's HTTP port; a service relaunched after losing its port to another process gets a new one.
    public private(set) var httpPorts: [String: Int]
    /// The generated configuration file every service reads.
    public let configFile: URL
    /// The notifier API's tokens, new for each stack.
    public let readToken: String
    public let operatorToken: String
    private let secrets: [String: String]
    // Only the owner's task starts, kills and stops processes, one call at a time.
    private var processes: [String: Process] = [:]

    private init(setup: Setup, brokerPort: Int, database: String) throws {
        self.setup = setup
        readToken = Self.newToken()
        operatorToken = Self.newToken()
        var ports: [String: Int] = [:]
        for name in Self.services { ports[name] = try freeLoopbackPort() }
        httpPorts = ports
        try FileManager.default.createDirectory(at: setup.directory, withIntermediateDirectories: true)
        configFile = setup.directory.appendingPathComponent("keel.yaml")
        try Self.configuration(setup: setup, brokerPort: brokerPort, database: database)
            .write(to: configFile, atomically: true, encoding: .utf8)
        var secrets: [String: String] = [:]
        secrets["KEEL_POSTGRES_PASSWORD"] = setup.postgres.password?.value
        secrets["KEEL_REDIS_PASSWORD"] = setup.redis.password?.value
        secrets["KEEL_NOTIFIER_API_READ_TOKEN"] = readToken
        secrets["KEEL_NOTIFIER_API_OPERATOR_TOKEN"] = operatorToken
        self.secrets = secrets
        config = try KeelConfig.load(path: configFile.path, environment: secrets)
    }

    /// Starts the broker, creates the topics, the database (migrated) and the services of
    /// `setup.services`, and returns once every one answers `/readyz`.
    public static func start(_ setup: Setup) async throws -> LocalStack {
        let database = "keel_stack_\(UInt32.random(in: 0...UInt32.max))"
        let stack = try LocalStack(setup: setup, brokerPort: try freeLoopbackPort(), database: database)
        do {
            try await stack.startInfrastructure(database: database)
            for name in setup.services { try stack.launch(name) }
            for name in setup.services { try await stack.waitUntilReady(name) }
        } catch {
            await stack.stop()
            throw error
        }
        return stack
    }

    private func startInfrastructure(database: String) async throws {
        let broker = Process()
        broker.executableURL = URL(fileURLWithPath: setup.brokerBinary)
        let listener = "tcp://\(config.kafka.bootstrapServers)"
        broker.arguments = ["broker", "--listener-url", listener, "--advertised-listener-url", listener]
        broker.standardOutput = FileHandle.nullDevice
        broker.standardError = try logFile("broker")
        try broker.run()
        processes["broker"] = broker
        try await Self.waitUntil("the stack's broker", timeout: .seconds(30)) {
            (try? await TopicAdmin(config: self.config.kafka).checkBroker()) != nil
        }
        _ = try await TopicProvisioning.createAll(config: config.kafka)

        let admin = PostgresPool(config: setup.postgres)
        defer { Task { await admin.close() } }
        try await admin.execute("CREATE DATABASE \(postgresQuotedIdentifier(database))")
        let pool = PostgresPool(config: config.postgres)
        defer { Task { await pool.close() } }
        try await Migrator().migrate(pool)

        let redis = RedisConnection(config: config.redis, logger: Logger(label: "keel.stack"))
        defer { Task { await redis.close() } }
        _ = try await redis.send("FLUSHDB")
    }

    /// Starts service `name` (again, after `kill`).
    public func launch(_ name: String) throws {
        let process = Process()
        process.executableURL = setup.binDirectory.appendingPathComponent("keel-\(name)")
        process.arguments = ["--config", configFile.path]
        process.environment = ProcessInfo.processInfo.environment.merging(secrets) { _, new in new }
            .merging(["KEEL_HTTP_PORT": "\(httpPorts[name]!)"]) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try logFile(name)
        try process.run()
        processes[name] = process
    }

    /// Waits for `name`'s `/readyz`. A service that exited because its port was taken in the
    /// moment between choosing and binding it is launched again on another port, twice at most.
    public func waitUntilReady(_ name: String, timeout: Duration = .seconds(120)) async throws {
        for attempt in 1...3 {
            do {
                let port = httpPorts[name]!
                try await Self.waitUntil("keel-\(name) ready", timeout: timeout) {
                    guard self.processes[name]?.isRunning == true else { throw ServiceExited(name: name, log: self.log(of: name)) }
                    return await Self.httpStatus("http://127.0.0.1:\(port)/readyz") == 200
                }
                return
            } catch let exited as ServiceExited where attempt < 3 && exited.log.contains("Address already in use") {
                httpPorts[name] = try freeLoopbackPort()
                try launch(name)
            }
        }
    }

    public func isRunning(_ name: String) -> Bool { processes[name]?.isRunning == true }

    /// Sends `signal` to `name` and waits until it has exited.
    public func kill(_ name: String, signal: Int32 = SIGKILL) async {
        guard let process = processes[name] else { return }
        if process.isRunning { Foundation.kill(process.processIdentifier, signal) }
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
    }

    /// Sends SIGTERM to `name` and waits up to `timeout` for it to exit. False when it did not;
    /// then it is killed.
    public func terminate(_ name: String, within timeout: Duration) async -> Bool {
        guard let process = processes[name], process.isRunning else { return true }
        Foundation.kill(process.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        guard process.isRunning else { return true }
        await kill(name)
        return false
    }

    /// Stops the services (SIGTERM) and the broker, and drops the database.
    public func stop() async {
        for name in Self.services.reversed() { await kill(name, signal: SIGTERM) }
        // Tansu ignores SIGTERM; it keeps nothing (memory storage), so nothing is lost.
        await kill("broker", signal: SIGKILL)
        let admin = PostgresPool(config: setup.postgres)
        _ = try? await admin.execute("DROP DATABASE IF EXISTS \(postgresQuotedIdentifier(config.postgres.database)) WITH (FORCE)")
        await admin.close()
    }

    /// The last few kilobytes of `name`'s log.
    public func log(of name: String) -> String {
        let data = FileManager.default.contents(atPath: setup.directory.appendingPathComponent("\(name).log").path) ?? Data()
        return String(decoding: data.suffix(4000), as: UTF8.self)
    }

    private func logFile(_ name: String) throws -> FileHandle {
        let url = setup.directory.appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        return try FileHandle(forWritingTo: url)
    }

    static func newToken() -> String {
        (0..<32).map { _ in String(UInt8.random(in: 0...15), radix: 16) }.joined()
    }

    /// GET `url`: the status code, or nil when nothing answers.
    public static func httpStatus(_ url: String) async -> Int? {
        guard let url = URL(string: url) else { return nil }
        var request = URLRequest(url: url)
        request.timeoutInterval = 5
        guard let (_, response) = try? await URLSession.shared.data(for: request) else { return nil }
        return (response as? HTTPURLResponse)?.statusCode
    }

    public struct TimedOut: Error, CustomStringConvertible {
        public let what: String
        public var description: String { "timed out waiting for \(what)" }
    }

    /// Polls `condition` every 50 ms until it holds, or throws `TimedOut`.
    public static func waitUntil(
        _ what: String, timeout: Duration, _ condition: @Sendable () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while !(try await condition()) {
            guard ContinuousClock.now < deadline else { throw TimedOut(what: what) }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    private static func configuration(setup: Setup, brokerPort: Int, database: String) -> String {
        """
        # Generated by LocalStack for one run; secrets come from the environment.
        mode: paper
        http: {host: 127.0.0.1}
        logging: {level: \(setup.logLevel), format: text}
        startup: {retry_initial_ms: 100, retry_max_ms: 1000}
        kafka:
          bootstrap_servers: 127.0.0.1:\(brokerPort)
          session_timeout_ms: 2000
          heartbeat_interval_ms: 500
          fetch_wait_max_ms: 5
          linger_ms: 0
          auto_commit_interval_ms: 200
          partitions: 3
        postgres: {host: \(setup.postgres.host), port: \(setup.postgres.port), database: \(database), user: \(setup.postgres.user)}
        redis: {host: \(setup.redis.host), port: \(setup.redis.port), database: \(setup.redis.database)}
        exchange:
          venue: simulator
          rest_url: http://127.0.0.1:\(setup.simulatorPort)
          public_ws_url: ws://127.0.0.1:\(setup.simulatorPort)/v5/public/linear
          private_ws_url: ws://127.0.0.1:\(setup.simulatorPort)/v5/private
        \(setup.extraConfig)
        """
    }
}

/// A loopback TCP port free right now. It is drawn below the kernel's ephemeral range: a port
/// bound to 0 and released comes from that range, where any outgoing connection (to the broker,
/// PostgreSQL, Redis) may take it before the service binds it, and in CI one did.
public func freeLoopbackPort() throws -> Int {
    let ephemeralStart = ephemeralPortRangeStart() ?? 32768
    let candidates = 10_000..<max(ephemeralStart, 10_001)
    for _ in 0..<200 {
        let port = Int.random(in: candidates)
        if loopbackPortIsFree(port) { return port }
    }
    throw POSIXError(.EADDRNOTAVAIL)
}

/// The first port of `net.ipv4.ip_local_port_range`, when it can be read.
private func ephemeralPortRangeStart() -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8) else { return nil }
    return text.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) }
}

private func loopbackPortIsFree(_ port: Int) -> Bool {
    let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { return false }
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}
