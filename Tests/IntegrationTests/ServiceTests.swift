import Foundation
import Testing

@Suite("Service executables")
struct ServiceTests {
    @Test("a bad config value stops a service with the field name and exit status 2", arguments: [
        ("KEEL_KAFKA_SESSION_TIMEOUT_MS", "soon", "kafka.session_timeout_ms"),
        ("KEEL_HTTP_PORT", "70000", "http.port"),
        ("KEEL_MODE", "yolo", "mode"),
    ])
    func badConfig(variable: String, value: String, field: String) async throws {
        let output = try await KeelProcess.run("keel-risk", environment: [variable: value])
        #expect(output.status == 2)
        #expect(output.standardError.contains(field), "names the field: \(output.standardError)")
    }

    @Test("an unknown field in the config file is refused with exit status 2")
    func unknownField() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(TestEnvironment.uniqueName("cfg")).yaml")
        try "kafka:\n  bootstrap_server: 127.0.0.1:1\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let output = try await KeelProcess.run("keel-signals", ["--config", file.path])
        #expect(output.status == 2)
        #expect(output.standardError.contains("kafka.bootstrap_server"))
    }

    @Test("a service started while PostgreSQL is down reports not ready, and becomes ready once it is up")
    func readinessFollowsPostgres() async throws {
        let database = try await ScratchPostgres.create()
        defer { database.destroy() }
        let httpPort = try KeelProcess.freePort()
        var environment = try KeelProcess.infrastructureEnvironment()
        environment["KEEL_POSTGRES_PORT"] = String(database.port)
        environment["KEEL_HTTP_PORT"] = String(httpPort)
        environment["KEEL_STARTUP_RETRY_MAX_MS"] = "500"

        let service = try KeelProcess.launch("keel-execution", environment: environment)
        defer { if service.isRunning { kill(service.processIdentifier, SIGKILL) } }

        try await BusTesting.waitUntil("/healthz") {
            await KeelProcess.httpStatus(port: httpPort, path: "/healthz") == 200
        }
        try await Task.sleep(for: .seconds(2))
        #expect(await KeelProcess.httpStatus(port: httpPort, path: "/readyz") == 503, "not ready without PostgreSQL")
        #expect(service.isRunning, "keeps retrying instead of exiting")

        try await database.start()
        try await BusTesting.waitUntil("/readyz after PostgreSQL started", timeout: .seconds(30)) {
            await KeelProcess.httpStatus(port: httpPort, path: "/readyz") == 200
        }
        #expect(await KeelProcess.httpStatus(port: httpPort, path: "/metrics") == 200)

        kill(service.processIdentifier, SIGTERM)
        #expect(await KeelProcess.exitStatus(of: service) == 0, "SIGTERM shuts down cleanly")
    }
}

/// A PostgreSQL cluster of the test's own, created stopped, so a test can start it later.
struct ScratchPostgres {
    let port: Int
    let directory: URL
    private let bin: URL

    private init(port: Int, directory: URL, bin: URL) {
        self.port = port
        self.directory = directory
        self.bin = bin
    }

    static func create() async throws -> ScratchPostgres {
        let port = try KeelProcess.freePort()
        let database = ScratchPostgres(
            port: port, directory: URL(fileURLWithPath: "/tmp/keel-scratch-pg-\(port)"),
            bin: URL(fileURLWithPath: try TestEnvironment.value("KEEL_TEST_PG_BIN")))
        try FileManager.default.createDirectory(at: database.directory, withIntermediateDirectories: true)
        if getuid() == 0 { try await run(["/bin/chown", "-R", "postgres:", database.directory.path]) }
        try await asPostgres([
            database.bin.appendingPathComponent("initdb").path, "-D", database.directory.appendingPathComponent("data").path,
            "-U", "keel", "--auth=trust",
        ])
        return database
    }

    func start() async throws {
        try await Self.asPostgres([
            bin.appendingPathComponent("pg_ctl").path, "-D", directory.appendingPathComponent("data").path,
            "-o", "-p \(port) -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off",
            "-l", directory.appendingPathComponent("log").path, "-w", "start",
        ])
        try await Self.asPostgres([bin.appendingPathComponent("createdb").path, "-h", "127.0.0.1", "-p", "\(port)", "-U", "keel", "keel"])
    }

    func destroy() {
        let stop = [bin.appendingPathComponent("pg_ctl").path, "-D", directory.appendingPathComponent("data").path, "-m", "immediate", "stop"]
        try? Self.runBlocking(getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + stop : stop)
        try? FileManager.default.removeItem(at: directory)
    }

    /// PostgreSQL refuses root: as root, its tools run as the postgres user.
    private static func asPostgres(_ command: [String]) async throws {
        try await run(getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + command : command)
    }

    /// posix_spawn rather than Foundation's Process: pg_ctl leaves a daemon behind, which would
    /// inherit the descriptor Process watches for the child's exit and hide that exit forever.
    private static func run(_ command: [String]) async throws {
        let pid = try spawn(command)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            try await Task.sleep(for: .milliseconds(20))
        }
        guard status == 0 else { throw Failed(command: command.joined(separator: " ")) }
    }

    /// For clean-up in `defer`, where nothing can be awaited.
    private static func runBlocking(_ command: [String]) throws {
        var status: Int32 = 0
        waitpid(try spawn(command), &status, 0)
    }

    private static func spawn(_ command: [String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in [1, 2] {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_WRONLY, 0)
        }
        var arguments = command.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, command[0], &actions, nil, &arguments, environ)
        guard result == 0 else { throw Failed(command: command.joined(separator: " ")) }
        return pid
    }

    struct Failed: Error, CustomStringConvertible {
        var command: String
        var description: String { "\(command) failed" }
    }
}
