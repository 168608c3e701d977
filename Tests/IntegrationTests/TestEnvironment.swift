import Config
import Core
import Foundation

/// Where the real broker, PostgreSQL and Redis started by `deploy/local/test` listen.
/// Integration tests fail (never skip) when these are missing: run them through that script,
/// or export the variables for servers you started yourself.
enum TestEnvironment {
    struct Missing: Error, CustomStringConvertible {
        let variable: String
        var description: String {
            "\(variable) is not set: run the integration tests through deploy/local/test, which starts the broker, PostgreSQL and Redis on loopback"
        }
    }

    static func value(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw Missing(variable: name)
        }
        return value
    }

    /// A tool of the test venv (`python`, `schemathesis`, ...), which deploy/local/setup
    /// --for-tests fills; found beside $KEEL_TEST_PYTHON.
    static func venvTool(_ name: String) throws -> URL {
        URL(fileURLWithPath: try value("KEEL_TEST_PYTHON")).deletingLastPathComponent().appendingPathComponent(name)
    }

    static func kafka(clientID: String = "keel-test") throws -> KafkaConfig {
        KafkaConfig(
            bootstrapServers: try value("KEEL_TEST_KAFKA_BOOTSTRAP"),
            clientID: clientID,
            sessionTimeoutMs: 2000,
            heartbeatIntervalMs: 500,
            fetchWaitMaxMs: 5,
            lingerMs: 0,
            autoCommitIntervalMs: 200,
            defaultPartitions: 3
        )
    }

    static func postgres(database: String? = nil) throws -> PostgresConfig {
        PostgresConfig(
            host: "127.0.0.1",
            port: Int(try value("KEEL_TEST_POSTGRES_PORT"))!,
            database: database ?? "keel",
            user: "keel",
            password: nil,
            poolSize: 4,
            connectTimeoutSeconds: 3
        )
    }

    static func redis() throws -> RedisConfig {
        RedisConfig(host: "127.0.0.1", port: Int(try value("KEEL_TEST_REDIS_PORT"))!)
    }

    /// A name no other test run uses, for topics, groups, databases and keys.
    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
    }
}
