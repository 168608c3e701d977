import Bus
import Config
import Foundation
import Logging
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
}
