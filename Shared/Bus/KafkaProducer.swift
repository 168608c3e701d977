import CRdKafka
import Config
import Foundation
import Logging
import Metrics
import Synchronization

/// An idempotent (`enable.idempotence`, `acks=all`) producer. `send` returns only when the
/// broker has acknowledged the record, or throws the delivery failure; `enqueue` hands the
/// record over and goes on. Either way records keep their order per partition.
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

    /// Hands the outcome of a record's delivery to its `PendingDelivery`, on librdkafka's poll thread.
    private static let deliveryReport: @convention(c) (
        OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?
    ) -> Void = { _, message, _ in
        guard let message, let opaque = message.pointee._private else { return }
        let pending = Unmanaged<PendingDelivery>.fromOpaque(opaque).takeRetainedValue()
        if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
            pending.delivered(.success(DeliveryReport(
                topic: pending.topic, partition: message.pointee.partition, offset: message.pointee.offset)))
        } else {
            pending.delivered(.failure(BusError.delivery(topic: pending.topic, reason: BusError.reason(message.pointee.err))))
        }
    }

    /// Enqueues the record and waits for the broker's acknowledgement. Cancelling the caller
    /// ends the wait with `CancellationError`, not the delivery: the record may still arrive.
    @discardableResult
    public func send(_ message: OutgoingMessage) async throws -> DeliveryReport {
        guard !poller.isStopped else { throw BusError.closed }
        let waiter = DeliveryWaiter()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiter.wait(continuation)
                let code = produce(message, pending: PendingDelivery(topic: message.topic) { waiter.finish($0) })
                if code != RD_KAFKA_RESP_ERR_NO_ERROR {
                    waiter.finish(.failure(BusError.produce(topic: message.topic, reason: BusError.reason(code))))
                }
            }
        } onCancel: {
            waiter.finish(.failure(CancellationError()))
        }
    }

    /// Hands the record to librdkafka without waiting for the broker, for streams where the
    /// next record matters more than the acknowledgement of the last (market data). While
    /// librdkafka's queue is full it waits, so a slow broker slows the caller instead of losing
    /// records. A failed delivery is logged and counted in `keel_bus_delivery_failures_total`.
    public func enqueue(_ message: OutgoingMessage) async throws {
        let logger = self.logger
        let topic = message.topic
        while true {
            guard !poller.isStopped else { throw BusError.closed }
            let code = produce(message, pending: PendingDelivery(topic: topic) { outcome in
                guard case .failure(let error) = outcome else { return }
                Counter(label: "keel_bus_delivery_failures_total", dimensions: [("topic", topic)]).increment()
                logger.error("record not delivered", metadata: ["topic": "\(topic)", "error": "\(error)"])
            })
            switch code {
            case RD_KAFKA_RESP_ERR_NO_ERROR: return
            case RD_KAFKA_RESP_ERR__QUEUE_FULL: try await Task.sleep(for: .milliseconds(10))
            default: throw BusError.produce(topic: topic, reason: BusError.reason(code))
            }
        }
    }

    /// Hands the record to librdkafka; on success `pending` is resolved by the delivery report,
    /// otherwise it is dropped here and the error code returned.
    private func produce(_ message: OutgoingMessage, pending: PendingDelivery) -> rd_kafka_resp_err_t {
        let opaque = Unmanaged.passRetained(pending)
        let headers = Self.makeHeaders(message.headers)
        let code = message.value.withUnsafeBytes { value in
            withOptionalBytes(message.key) { key in
                keel_rd_kafka_produce(
                    handle.pointer, message.topic,
                    key?.baseAddress, key?.count ?? 0,
                    value.baseAddress, value.count,
                    headers, opaque.toOpaque())
            }
        }
        if code != RD_KAFKA_RESP_ERR_NO_ERROR {
            if let headers { rd_kafka_headers_destroy(headers) }
            opaque.release()
        }
        return code
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

/// One record's delivery, carried through librdkafka's per-message opaque pointer to the
/// delivery-report callback, which calls `delivered` exactly once.
private final class PendingDelivery: Sendable {
    let topic: String
    let delivered: @Sendable (Result<DeliveryReport, any Error>) -> Void

    init(topic: String, delivered: @escaping @Sendable (Result<DeliveryReport, any Error>) -> Void) {
        self.topic = topic
        self.delivered = delivered
    }
}

/// Where a `send` waits: resumed once, by whichever comes first of the delivery report, an
/// enqueue failure and cancellation.
private final class DeliveryWaiter: Sendable {
    private struct State {
        var continuation: CheckedContinuation<DeliveryReport, any Error>?
        var outcome: Result<DeliveryReport, any Error>?
        var resumed = false
    }

    private let state = Mutex(State())

    func wait(_ continuation: CheckedContinuation<DeliveryReport, any Error>) {
        let outcome = state.withLock { state -> Result<DeliveryReport, any Error>? in
            guard let outcome = state.outcome else {
                state.continuation = continuation
                return nil
            }
            state.resumed = true
            return outcome
        }
        if let outcome { continuation.resume(with: outcome) }
    }

    func finish(_ outcome: Result<DeliveryReport, any Error>) {
        let continuation = state.withLock { state -> CheckedContinuation<DeliveryReport, any Error>? in
            guard !state.resumed, state.outcome == nil else { return nil }
            state.outcome = outcome
            guard let continuation = state.continuation else { return nil }
            state.resumed = true
            return continuation
        }
        continuation?.resume(with: outcome)
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
