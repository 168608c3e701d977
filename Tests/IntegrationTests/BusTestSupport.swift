import Bus
import Config
import Foundation
import Logging
import Schemas
import Synchronization

/// What a test consumer saw, in arrival order.
final class Received: Sendable {
    private let messages = Mutex<[ConsumedMessage]>([])

    func append(_ message: ConsumedMessage) { messages.withLock { $0.append(message) } }
    var all: [ConsumedMessage] { messages.withLock { $0 } }
    var count: Int { messages.withLock { $0.count } }
    var values: [String] { all.map { String(decoding: $0.value, as: UTF8.self) } }
}

enum BusTesting {
    static let logger = Logger(label: "keel.test.bus")

    /// A new topic (and its dead-letter topic) with `partitions` partitions.
    static func makeTopic(_ prefix: String, partitions: Int = 3) async throws -> String {
        let topic = TestEnvironment.uniqueName(prefix)
        try await TopicAdmin(config: try TestEnvironment.kafka()).create([
            .init(name: topic, partitions: partitions),
            .init(name: DeadLetters.topic(for: topic), partitions: partitions),
        ])
        return topic
    }

    static func produce(_ values: [(key: String, value: String)], to topic: String, producer: KafkaProducer) async throws {
        for (key, value) in values {
            try await producer.send(OutgoingMessage(topic: topic, key: key, value: Array(value.utf8)))
        }
    }

    /// Waits until `condition` holds, polling every 20 ms, or fails after `timeout`.
    static func waitUntil(
        _ what: String, timeout: Duration = .seconds(30), _ condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while !(try await condition()) {
            guard ContinuousClock.now < deadline else { throw TimedOut(what: what) }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    struct TimedOut: Error, CustomStringConvertible {
        var what: String
        var description: String { "timed out waiting for \(what)" }
    }

    /// Runs a consumer in the background; stop it with `consumer.stop()` and await the task.
    static func start(
        _ consumer: KafkaConsumer, _ handler: @escaping KafkaConsumer.Handler
    ) -> Task<Void, any Error> {
        Task { try await consumer.run(handler) }
    }

    /// The operator commands on `ops.commands.v1` that `mine` picks (with the messages' keys),
    /// once `count` of them arrived and a moment later no more did; by time issued, then id.
    static func operatorCommands(
        count: Int, _ mine: @escaping @Sendable (Keel_V1_OperatorCommand) -> Bool
    ) async throws -> [Keel_V1_OperatorCommand] {
        try await keyedOperatorCommands(count: count, mine).map(\.command)
    }

    static func keyedOperatorCommands(
        count: Int, _ mine: @escaping @Sendable (Keel_V1_OperatorCommand) -> Bool
    ) async throws -> [(key: String, command: Keel_V1_OperatorCommand)] {
        let producer = try KafkaProducer(config: try TestEnvironment.kafka(), logger: logger)
        defer { producer.close() }
        let consumer = try KafkaConsumer(
            config: try TestEnvironment.kafka(), groupID: TestEnvironment.uniqueName("command-reader"),
            topics: [Topic.opsCommands.rawValue], deadLetters: producer, logger: logger)
        let received = Received()
        let reading = start(consumer) { received.append($0) }
        defer {
            consumer.stop()
            reading.cancel()
        }
        func picked() -> [(key: String, command: Keel_V1_OperatorCommand)] {
            received.all.compactMap { message in
                guard let command = try? Keel_V1_OperatorCommand(serializedBytes: message.value), mine(command) else { return nil }
                return (String(decoding: message.key ?? [], as: UTF8.self), command)
            }
        }
        try await waitUntil("\(count) operator commands") { picked().count >= count }
        try await Task.sleep(for: .milliseconds(300))  // and no more
        return picked().sorted {
            $0.command.issuedMs == $1.command.issuedMs ? $0.command.commandID < $1.command.commandID : $0.command.issuedMs < $1.command.issuedMs
        }
    }
}
