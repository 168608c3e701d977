import Foundation
import LocalStack
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Runs Keel's own executables (services, the `keel` CLI) as child processes.
enum KeelProcess {
    /// The folder holding the built executables: $KEEL_TEST_BIN, else the test bundle's folder.
    static var binDirectory: URL {
        if let path = ProcessInfo.processInfo.environment["KEEL_TEST_BIN"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    struct Output {
        var status: Int32
        var standardError: String
        var standardOutput: String
    }

    /// Starts `name` with `arguments`; the environment is this process's plus `environment`.
    static func launch(
        _ name: String, _ arguments: [String] = [], environment: [String: String] = [:],
        standardError: FileHandle? = nil
    ) throws -> Process {
        let process = Process()
        process.executableURL = binDirectory.appendingPathComponent(name)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = standardError ?? FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs `name` to completion and returns its exit status, standard error and (if asked)
    /// standard output.
    static func run(
        _ name: String, _ arguments: [String] = [], environment: [String: String] = [:], standardOutput: Bool = false
    ) async throws -> Output {
        try await run(
            executable: binDirectory.appendingPathComponent(name), arguments, environment: environment, standardOutput: standardOutput)
    }

    /// Runs any executable (a Python tool, say) the same way.
    static func run(
        executable: URL, _ arguments: [String] = [], environment: [String: String] = [:], standardOutput: Bool = false
    ) async throws -> Output {
        let errors = Pipe()
        let output = Pipe()
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = standardOutput ? output.fileHandleForWriting : FileHandle.nullDevice
        process.standardError = errors.fileHandleForWriting
        try process.run()
        try errors.fileHandleForWriting.close()
        try output.fileHandleForWriting.close()
        // Both pipes drain at once, so a chatty child never blocks on a full one.
        async let errorText = readToEnd(errors.fileHandleForReading)
        async let outputText = readToEnd(output.fileHandleForReading)
        let (errorData, outputData) = await (errorText, outputText)
        let status = await exitStatus(of: process)
        return Output(
            status: status, standardError: String(decoding: errorData, as: UTF8.self),
            standardOutput: String(decoding: outputData, as: UTF8.self))
    }

    /// Reads `handle` to its end on a thread of its own, not on the cooperative pool.
    private static func readToEnd(_ handle: FileHandle) async -> Data {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: handle.readDataToEndOfFile()) }
        }
    }

    /// Waits for a child to exit without blocking a thread of the cooperative pool.
    static func exitStatus(of process: Process) async -> Int32 {
        while process.isRunning {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    /// The environment that points a Keel process at the test infrastructure.
    static func infrastructureEnvironment() throws -> [String: String] {
        [
            "KEEL_KAFKA_BOOTSTRAP_SERVERS": try TestEnvironment.value("KEEL_TEST_KAFKA_BOOTSTRAP"),
            "KEEL_KAFKA_SESSION_TIMEOUT_MS": "2000",
            "KEEL_KAFKA_HEARTBEAT_INTERVAL_MS": "500",
            "KEEL_KAFKA_FETCH_WAIT_MAX_MS": "5",
            "KEEL_KAFKA_AUTO_COMMIT_INTERVAL_MS": "200",
            "KEEL_POSTGRES_PORT": try TestEnvironment.value("KEEL_TEST_POSTGRES_PORT"),
            "KEEL_REDIS_PORT": try TestEnvironment.value("KEEL_TEST_REDIS_PORT"),
        ]
    }

    /// A TCP port nothing listens on right now, below the ephemeral range (see `freeLoopbackPort`).
    static func freePort() throws -> Int { try freeLoopbackPort() }

    /// GET http://127.0.0.1:port/path: the status code, or nil when nothing answers.
    static func httpStatus(port: Int, path: String) async -> Int? {
        await LocalStack.httpStatus("http://127.0.0.1:\(port)\(path)")
    }
}

/// A loopback TCP port bound but not listening, so connecting to it is refused, and nothing
/// else can take it while this object lives.
final class ReservedPort {
    let port: Int
    private let socket: Int32

    init() throws {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.socket = socket
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        guard socket >= 0, bound else { throw POSIXError(.EADDRNOTAVAIL) }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(socket) }
}
