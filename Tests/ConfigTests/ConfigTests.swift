import Config
import Foundation
import Testing

@Suite("Typed configuration")
struct ConfigTests {
    private func load(_ yaml: String, _ environment: [String: String] = [:]) throws -> KeelConfig {
        try KeelConfig(reading: ConfigReader(ConfigSource.parse(yaml: yaml, environment: environment)))
    }

    private func failure(_ yaml: String, _ environment: [String: String] = [:]) -> ConfigError? {
        do {
            _ = try load(yaml, environment)
            return nil
        } catch {
            return error as? ConfigError
        }
    }

    @Test("defaults fit the local stack")
    func defaults() throws {
        let config = try load("")
        #expect(config.mode == .paper)
        #expect(config.kafka.bootstrapServers == "127.0.0.1:59092")
        #expect(config.postgres.port == 55432)
        #expect(config.redis.port == 56379)
        #expect(config.postgres.password == nil)
    }

    @Test("file values are read into their sections")
    func fileValues() throws {
        let config = try load("""
            mode: live
            http: {port: 9200}
            kafka:
              bootstrap_servers: broker-1:9092,broker-2:9092
              session_timeout_ms: 45000
              properties:
                security.protocol: SASL_SSL
            postgres: {host: db, pool_size: 12}
            """)
        #expect(config.mode == .live)
        #expect(config.http.port == 9200)
        #expect(config.kafka.bootstrapServers == "broker-1:9092,broker-2:9092")
        #expect(config.kafka.sessionTimeoutMs == 45000)
        #expect(config.kafka.extraProperties == ["security.protocol": "SASL_SSL"])
        #expect(config.postgres.host == "db")
        #expect(config.postgres.poolSize == 12)
    }

    @Test("environment variables override the file")
    func environmentOverrides() throws {
        let config = try load("http: {port: 9200}\nredis: {port: 7000}\n", ["KEEL_HTTP_PORT": "9300", "KEEL_REDIS_DATABASE": "3"])
        #expect(config.http.port == 9300)
        #expect(config.redis.port == 7000)
        #expect(config.redis.database == 3)
        #expect(ConfigSource.environmentName(for: "kafka.bootstrap_servers") == "KEEL_KAFKA_BOOTSTRAP_SERVERS")
    }

    @Test("invalid values name their field and reason", arguments: [
        ("http: {port: 0}", [:], "http.port", "between 1 and 65535"),
        ("kafka: {session_timeout_ms: soon}", [:], "kafka.session_timeout_ms", "whole number"),
        ("mode: yolo", [:], "mode", "paper, live"),
        ("", ["KEEL_LOGGING_FORMAT": "xml"], "logging.format", "text, json"),
        ("kafka: {bootstrap_servers: ''}", [:], "kafka.bootstrap_servers", "empty"),
        ("kafka: {session_timeout_ms: 2000, heartbeat_interval_ms: 2000}", [:], "kafka.heartbeat_interval_ms", "below"),
        ("kafka: {bootstrap_servrs: x}", [:], "kafka.bootstrap_servrs", "unknown field"),
        ("redis: [1, 2]", [:], "redis", "unknown field"),
    ] as [(String, [String: String], String, String)])
    func invalid(yaml: String, environment: [String: String], field: String, reason: String) throws {
        let error = try #require(failure(yaml, environment))
        #expect(error.field == field)
        #expect(error.reason.contains(reason), "\(error)")
        #expect(ConfigError.exitCode == 2)
    }

    @Test("malformed YAML is a configuration error")
    func malformedYAML() {
        #expect(throws: ConfigError.self) { try ConfigSource.parse(yaml: "kafka: [unclosed", environment: [:]) }
        #expect(throws: ConfigError.self) { try ConfigSource.parse(yaml: "- just\n- a list\n", environment: [:]) }
    }

    @Test("secrets come from a value or a file, and never appear in descriptions")
    func secrets() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("keel-secret-\(UUID().uuidString)")
        try "s3cret-from-file\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }

        let fromFile = try load("postgres: {password_file: \(file.path)}")
        #expect(fromFile.postgres.password?.value == "s3cret-from-file")
        let fromEnvironment = try load("", ["KEEL_REDIS_PASSWORD": "hunter2"])
        #expect(fromEnvironment.redis.password?.value == "hunter2")
        #expect(!"\(fromEnvironment)".contains("hunter2"))
        #expect(!String(reflecting: fromEnvironment).contains("hunter2"))

        let both = try #require(failure("postgres: {password: a, password_file: \(file.path)}"))
        #expect(both.field == "postgres.password")
        let missing = try #require(failure("postgres: {password_file: /nonexistent/secret}"))
        #expect(missing.field == "postgres.password_file")
        #expect(!missing.description.contains("s3cret"))
    }

    @Test("lists come from YAML sequences or comma-separated environment values")
    func lists() throws {
        let reader = ConfigReader(try ConfigSource.parse(yaml: "symbols: [BTCUSDT, ETHUSDT]", environment: ["KEEL_VENUES": "bybit, simulator"]))
        #expect(try reader.list("symbols", default: []) == ["BTCUSDT", "ETHUSDT"])
        #expect(try reader.list("venues", default: []) == ["bybit", "simulator"])
        #expect(try reader.list("absent", default: ["x"]) == ["x"])
    }
}
