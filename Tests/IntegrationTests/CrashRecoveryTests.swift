import Bus
import Foundation
import Testing

@Suite("Crash recovery")
struct CrashRecoveryTests {
    @Test("a consumer killed with SIGKILL mid-batch and restarted loses no message")
    func killedConsumerLosesNothing() async throws {
        let config = try TestEnvironment.kafka()
        let topic = try await BusTesting.makeTopic("crash", partitions: 3)
        let group = TestEnvironment.uniqueName("crash-group")
        let producer = try KafkaProducer(config: config, logger: BusTesting.logger)
        defer { producer.close() }
        let total = 300
        try await BusTesting.produce(
            (0..<total).map { (key: "SYM\($0 % 7)", value: "message-\($0)") }, to: topic, producer: producer)

        let out = FileManager.default.temporaryDirectory.appendingPathComponent("\(group).jsonl")
        defer { try? FileManager.default.removeItem(at: out) }
        let arguments = ["topics", "consume", "--topic", topic, "--group", group, "--out", out.path]
        let environment = try KeelProcess.infrastructureEnvironment()

        // Slowly, so it is killed with messages handled but not all committed.
        let first = try KeelProcess.launch("keel", arguments + ["--pace-ms", "10"], environment: environment)
        try await BusTesting.waitUntil("some messages handled") { Self.lines(out).count >= 60 }
        kill(first.processIdentifier, SIGKILL)
        _ = await KeelProcess.exitStatus(of: first)
        let handledBeforeKill = Self.lines(out).count
        #expect(handledBeforeKill < total, "killed mid-batch")

        let second = try KeelProcess.launch("keel", arguments, environment: environment)
        defer { if second.isRunning { kill(second.processIdentifier, SIGKILL) } }
        try await BusTesting.waitUntil("every message", timeout: .seconds(60)) {
            Set(Self.values(out)).count >= total
        }
        kill(second.processIdentifier, SIGTERM)
        #expect(await KeelProcess.exitStatus(of: second) == 0, "SIGTERM stops the consumer cleanly")

        let values = Self.values(out)
        #expect(Set(values) == Set((0..<total).map { "message-\($0)" }), "nothing lost")
        // At least once: only messages handled after the last commit before the kill come twice.
        #expect(values.count - total < handledBeforeKill)
    }

    private static func lines(_ url: URL) -> [Substring] {
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n")
    }

    private static func values(_ url: URL) -> [String] {
        lines(url).compactMap { line in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["value"] as? String
        }
    }
}
