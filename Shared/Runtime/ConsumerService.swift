import Core
import Bus
import Logging
import ServiceLifecycle

/// A Kafka consumer as one of a service's long-running parts: it consumes with `handler`
/// until the service shuts down, then finishes the message in hand, commits and leaves the
/// group. With `prepare`, nothing is consumed until `prepare` has succeeded once (it is
/// retried with backoff, e.g. while a dependency is down).
public struct ConsumerService: Service {
    private let consumer: KafkaConsumer
    private let handler: KafkaConsumer.Handler
    private let prepare: (@Sendable () async throws -> Void)?
    private let logger: Logger?

    public init(
        _ consumer: KafkaConsumer, prepare: (@Sendable () async throws -> Void)? = nil, logger: Logger? = nil,
        handler: @escaping KafkaConsumer.Handler
    ) {
        self.consumer = consumer
        self.prepare = prepare
        self.logger = logger
        self.handler = handler
    }

    public func run() async throws {
        if let prepare {
            let backoff = Backoff(initial: .milliseconds(200), maximum: .seconds(5))
            var attempt = 0
            while true {
                do {
                    try await cancelWhenGracefulShutdown { try await prepare() }
                    break
                } catch {
                    if Task.isCancelled || Task.isShuttingDownGracefully { consumer.stop(); return }
                    attempt += 1
                    logger?.warning("not ready to consume yet; retrying", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
                    try? await Task.sleep(for: backoff.delay(afterFailures: attempt))
                }
            }
        }
        try await withGracefulShutdownHandler {
            try await consumer.run(handler)
        } onGracefulShutdown: { [consumer] in
            consumer.stop()
        }
    }
}
