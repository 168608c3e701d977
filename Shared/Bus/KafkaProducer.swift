import CRdKafka
import Config
import Foundation
import Logging
import Synchronization

/// An idempotent (`enable.idempotence`, `acks=all`) producer whose `send` returns only when the
/// broker has acknowledged the record, or throws the delivery failure.
public final class KafkaProducer: Sendable {
    private let handle: KafkaHandle
    private let poller: Poller
    private let logger: Logger

    public init(config: KafkaConfig, logger: Logger) throws {
        handle = try KafkaHandle.create(config, role: .producer, logger: logger) { conf in
            rd_kafka_conf_set_dr_msg_cb(conf, Self.deliveryReport)
        }
        poller = Poller(handle: handle)
        self.logger = logger
    }

    /// Resumes the `send` waiting for this record, from librdkafka's poll thread.
    private static let deliveryReport: @convention(c) (
        OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?
    ) -> Void = { _, message, _ in
        guard let message, let opaque = message.pointee._private else { return }
        let pending = Unmanaged<PendingDelivery>.fromOpaque(opaque).takeRetainedValue()
        let topic = pending.topic
        if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
            pending.continuation.resume(returning: DeliveryReport(
                topic: topic, partition: message.pointee.partition, offset: message.pointee.offset))
        } else {
            pending.continuation.resume(throwing: BusError.delivery(
                topic: topic, reason: BusError.reason(message.pointee.err)))
        }
    }

    /// Enqueues the record and waits for the broker's acknowledgement.
    @discardableResult
    public func send(_ message: OutgoingMessage) async throws -> DeliveryReport {
        guard !poller.isStopped else { throw BusError.closed }
        return try await withCheckedThrowingContinuation { continuation in
            let pending = Unmanaged.passRetained(PendingDelivery(topic: message.topic, continuation: continuation))
            let headers = Self.makeHeaders(message.headers)
            let code = message.value.withUnsafeBytes { value in
                withOptionalBytes(message.key) { key in
                    keel_rd_kafka_produce(
                        handle.pointer, message.topic,
                        key?.baseAddress, key?.count ?? 0,
                        value.baseAddress, value.count,
                        headers, pending.toOpaque())
                }
            }
            if code != RD_KAFKA_RESP_ERR_NO_ERROR {
                if let headers { rd_kafka_headers_destroy(headers) }
                pending.release()
                continuation.resume(throwing: BusError.produce(topic: message.topic, reason: BusError.reason(code)))
            }
        }
    }

    /// Checks that a broker answers (for readiness probes).
    public func checkBroker(timeoutMs: Int32 = 2000) async throws {
        let handle = self.handle
        try await BlockingQueue(label: "keel.kafka.metadata").run { try handle.checkBroker(timeoutMs: timeoutMs) }
    }

    /// Waits for every in-flight record to be acknowledged, then stops polling.
    public func close(timeoutMs: Int32 = 10_000) {
        guard !poller.isStopped else { return }
        let code = rd_kafka_flush(handle.pointer, timeoutMs)
        if code != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.error("producer flush did not finish", metadata: ["reason": "\(BusError.reason(code))"])
        }
        poller.stop()
    }

    deinit {
        close()
        handle.destroy()
    }

    private static func makeHeaders(_ headers: [KafkaHeader]) -> OpaquePointer? {
        guard !headers.isEmpty, let list = rd_kafka_headers_new(headers.count) else { return nil }
        for header in headers {
            header.value.withUnsafeBytes { bytes in
                _ = rd_kafka_header_add(list, header.name, -1, bytes.baseAddress, bytes.count)
            }
        }
        return list
    }
}

/// The continuation of one `send`, carried through librdkafka's per-message opaque pointer.
private final class PendingDelivery: @unchecked Sendable {
    // Resumed exactly once, from the delivery-report callback or from `send` on enqueue failure.
    let topic: String
    let continuation: CheckedContinuation<DeliveryReport, any Error>

    init(topic: String, continuation: CheckedContinuation<DeliveryReport, any Error>) {
        self.topic = topic
        self.continuation = continuation
    }
}

/// Serves delivery reports: a dedicated thread calls `rd_kafka_poll` until stopped.
private final class Poller: Sendable {
    private let stopped = Mutex(false)
    private let finished = DispatchSemaphore(value: 0)

    var isStopped: Bool { stopped.withLock { $0 } }

    init(handle: KafkaHandle) {
        let thread = Thread { [self] in
            while !isStopped {
                rd_kafka_poll(handle.pointer, 50)
            }
            finished.signal()
        }
        thread.name = "keel-kafka-producer-poll"
        thread.start()
    }

    func stop() {
        let wasStopped = stopped.withLock { stopped in
            defer { stopped = true }
            return stopped
        }
        if !wasStopped { finished.wait() }
    }
}

private func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBytes { body($0) }
}
