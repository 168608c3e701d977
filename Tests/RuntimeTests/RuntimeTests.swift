import Config
import Foundation
import Logging
@testable import Runtime
import Synchronization
import Testing

@Suite("Logging never prints a secret")
struct LoggingTests {
    private final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: String { lines.withLock { $0.joined() } }
    }

    @Test("secret values are scrubbed from messages and metadata", arguments: [LogFormat.text, .json])
    func redaction(format: LogFormat) {
        let captured = Lines()
        let redactor = SecretRedactor(["pg-pa55word"])
        redactor.register("tg-bot-token-123")
        redactor.register(#"we"ird\/pass"#)
        let logger = Logger(label: "keel-test") { label in
            KeelLogHandler(label: label, level: .info, format: format, redactor: redactor, output: captured.append)
        }
        logger.error("connect failed for postgres://keel:pg-pa55word@db", metadata: ["url": "https://api/bottg-bot-token-123/send"])
        logger.warning(#"auth failed with we"ird\/pass"#, metadata: ["password": #"we"ird\/pass"#])
        logger.debug("below the level: pg-pa55word")

        #expect(!captured.all.contains("pg-pa55word"))
        #expect(!captured.all.contains("tg-bot-token-123"))
        #expect(captured.all.contains("postgres://keel:<redacted>@db"))
        #expect(captured.all.contains("bot<redacted>/send"))
        #expect(!captured.all.contains("we"), "a secret with characters that formats escape is still removed")
        #expect(captured.all.split(separator: "\n").count == 2, "debug is below the configured level")
    }

    @Test("the redactor a service starts with knows every credential of its configuration")
    func configurationSecrets() throws {
        let config = try KeelConfig.load(path: nil, environment: [
            "KEEL_POSTGRES_PASSWORD": "pg-secret", "KEEL_REDIS_PASSWORD": "redis-secret",
            "KEEL_EXCHANGE_API_SECRET": "exchange-secret",
        ])
        #expect(Set(config.secrets.map(\.value)) == ["pg-secret", "redis-secret", "exchange-secret"])
    }

    @Test("json lines are valid JSON with the message and metadata")
    func jsonLines() throws {
        let captured = Lines()
        let logger = Logger(label: "keel-risk") { label in
            KeelLogHandler(label: label, level: .info, format: .json, redactor: SecretRedactor(), output: captured.append)
        }
        logger.warning("order \"refused\"", metadata: ["symbol": "BTCUSDT"])
        let object = try #require(JSONSerialization.jsonObject(with: Data(captured.all.utf8)) as? [String: String])
        #expect(object["msg"] == "order \"refused\"")
        #expect(object["symbol"] == "BTCUSDT")
        #expect(object["level"] == "warning")
        #expect(object["logger"] == "keel-risk")
    }
}

@Suite("Readiness")
struct ReadinessTests {
    @Test("ready only when every check passes; reasons per dependency")
    func readiness() async {
        struct Down: Error, CustomStringConvertible { var description: String { "connection refused" } }
        let probe = ReadinessProbe(checks: [
            DependencyCheck(name: "kafka") {},
            DependencyCheck(name: "postgres") { throw Down() },
        ])
        let result = await probe.evaluate()
        #expect(!result.ready)
        #expect(result.details == ["kafka": "ok", "postgres": "connection refused"])
        #expect(await ReadinessProbe(checks: [DependencyCheck(name: "kafka") {}]).evaluate().ready)
    }

    @Test("a check that hangs in a blocking call is reported not ready after the timeout")
    func hangingCheck() async {
        // The check blocks until the test lets it go, which it does only once the probe has
        // answered (or after 30 s, should the probe wait for it; the probe's 200 ms plus room
        // for a machine whose two cores are busy with other tests).
        let release = DispatchSemaphore(value: 0)
        let watchdog = Task.detached {
            try await Task.sleep(for: .seconds(30))
            release.signal()
        }
        let probe = ReadinessProbe(checks: [DependencyCheck(name: "redis") { release.wait() }], timeout: .milliseconds(200))
        let started = ContinuousClock.now
        let result = await probe.evaluate()
        let answeredAfter = ContinuousClock.now - started
        release.signal()
        watchdog.cancel()
        #expect(!result.ready)
        #expect(result.details["redis"]?.contains("no answer") == true)
        #expect(answeredAfter < .seconds(30), "the probe waited for the hung check")
    }
}

@Suite("Service command line")
struct CommandLineTests {
    @Test("accepts --config in both forms and --help")
    func accepted() throws {
        #expect(try CommandLineOptions(arguments: ["--config", "a.yaml"]).configPath == "a.yaml")
        #expect(try CommandLineOptions(arguments: ["--config=b.yaml"]).configPath == "b.yaml")
        #expect(try CommandLineOptions(arguments: ["-h"]).showHelp)
        let none = try CommandLineOptions(arguments: [])
        #expect(none.configPath == nil && !none.showHelp)
    }

    @Test("refuses unknown arguments and a missing path", arguments: [["--verbose"], ["--config"], ["extra"]])
    func refused(arguments: [String]) {
        #expect(throws: CommandLineOptions.Invalid.self) { try CommandLineOptions(arguments: arguments) }
    }
}
