import Foundation
import Testing

@Suite("Service executables")
struct ServiceTests {
    @Test("a bad config value stops a service with the field name and exit status 2", arguments: [
        ("KEEL_KAFKA_SESSION_TIMEOUT_MS", "soon", "kafka.session_timeout_ms"),
        ("KEEL_HTTP_PORT", "70000", "http.port"),
        ("KEEL_MODE", "yolo", "mode"),
    ])
    func badConfig(variable: String, value: String, field: String) throws {
        let output = try KeelProcess.run("keel-risk", environment: [variable: value])
        #expect(output.status == 2)
        #expect(output.standardError.contains(field), "names the field: \(output.standardError)")
    }

    @Test("an unknown field in the config file is refused with exit status 2")
    func unknownField() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(TestEnvironment.uniqueName("cfg")).yaml")
        try "kafka:\n  bootstrap_server: 127.0.0.1:1\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let output = try KeelProcess.run("keel-signals", ["--config", file.path])
        #expect(output.status == 2)
        #expect(output.standardError.contains("kafka.bootstrap_server"))
    }

    @Test("a service started while PostgreSQL is down reports not ready, and becomes ready once it is up")
    func readinessFollowsPostgres() async throws {
        let database = try ScratchPostgres()
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

        try database.start()
        try await BusTesting.waitUntil("/readyz after PostgreSQL started", timeout: .seconds(30)) {
            await KeelProcess.httpStatus(port: httpPort, path: "/readyz") == 200
        }
        #expect(await KeelProcess.httpStatus(port: httpPort, path: "/metrics") == 200)

        kill(service.processIdentifier, SIGTERM)
        service.waitUntilExit()
        #expect(service.terminationStatus == 0, "SIGTERM shuts down cleanly")
    }
}

/// A PostgreSQL cluster of the test's own, created stopped, so a test can start it later.
struct ScratchPostgres {
    let port: Int
    let directory: URL
    private let bin: URL

    init() throws {
        bin = URL(fileURLWithPath: try TestEnvironment.value("KEEL_TEST_PG_BIN"))
        port = try KeelProcess.freePort()
        directory = URL(fileURLWithPath: "/tmp/keel-scratch-pg-\(port)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if getuid() == 0 { try Self.run(["/bin/chown", "-R", "postgres:", directory.path]) }
        try Self.asPostgres([bin.appendingPathComponent("initdb").path, "-D", directory.appendingPathComponent("data").path,
                             "-U", "keel", "--auth=trust"])
    }

    func start() throws {
        try Self.asPostgres([
            bin.appendingPathComponent("pg_ctl").path, "-D", directory.appendingPathComponent("data").path,
            "-o", "-p \(port) -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off",
            "-l", directory.appendingPathComponent("log").path, "-w", "start",
        ])
        try Self.asPostgres([bin.appendingPathComponent("createdb").path, "-h", "127.0.0.1", "-p", "\(port)", "-U", "keel", "keel"])
    }

    func destroy() {
        try? Self.asPostgres([
            bin.appendingPathComponent("pg_ctl").path, "-D", directory.appendingPathComponent("data").path, "-m", "immediate", "stop",
        ])
        try? FileManager.default.removeItem(at: directory)
    }

    /// PostgreSQL refuses root: as root, its tools run as the postgres user.
    private static func asPostgres(_ command: [String]) throws {
        try run(getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + command : command)
    }

    private static func run(_ command: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failed(command: command.joined(separator: " ")) }
    }

    struct Failed: Error, CustomStringConvertible {
        var command: String
        var description: String { "\(command) failed" }
    }
}
