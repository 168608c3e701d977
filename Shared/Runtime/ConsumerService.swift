import Bus
import Logging
import ServiceLifecycle

/// A Kafka consumer as one of a service's long-running parts: it consumes with `handler`
/// until the service shuts down, then finishes the message in hand, commits and leaves the
/// group.
public struct ConsumerService: Service {
    private let consumer: KafkaConsumer
    private let handler: KafkaConsumer.Handler

    public init(_ consumer: KafkaConsumer, handler: @escaping KafkaConsumer.Handler) {
        self.consumer = consumer
        self.handler = handler
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await consumer.run(handler)
        } onGracefulShutdown: { [consumer] in
            consumer.stop()
        }
    }
}
