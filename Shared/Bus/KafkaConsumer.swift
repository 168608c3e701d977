import CRdKafka
import Config
import Core
import Foundation
import Logging
import Synchronization

/// A consumer-group member with at-least-once processing:
///
/// * messages are handled one at a time, so order within a partition is kept;
/// * an offset is stored (and then committed in the background) only after the handler
///   returned, so a crash re-delivers instead of losing;
/// * a handler that throws `InvalidMessage` sends the message to `<topic>.dlq` with the reason
///   and its origin, then moves on; any other error seeks back to the message and retries it
///   after a backoff, so it is delivered again;
/// * `stop()` finishes the message in hand, commits what was processed and leaves the group.
public final class KafkaConsumer: Sendable {
    public typealias Handler = @Sendable (ConsumedMessage) async throws -> Void

    public let groupID: String
    private let handle: KafkaHandle
    private let queue: BlockingQueue
    private let deadLetters: KafkaProducer
    private let retry: Backoff
    private let logger: Logger
    private let state = Mutex(State())

    private struct PartitionID: Hashable {
        var topic: String
        var partition: Int32
    }

    private struct State {
        var stopRequested = false
        var closed = false
    }

    /// - Parameter deadLetters: the producer used for `<topic>.dlq` records.
    public init(
        config: KafkaConfig, groupID: String, topics: [String], deadLetters: KafkaProducer,
        retry: Backoff = Backoff(), logger: Logger
    ) throws {
        handle = try KafkaHandle.create(config, role: .consumer(groupID: groupID), logger: logger)
        rd_kafka_poll_set_consumer(handle.pointer)
        self.groupID = groupID
        self.deadLetters = deadLetters
        self.retry = retry
        self.logger = logger
        queue = BlockingQueue(label: "keel.kafka.consumer.\(groupID)")

        let list = rd_kafka_topic_partition_list_new(Int32(topics.count))
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for topic in topics {
            rd_kafka_topic_partition_list_add(list, topic, RD_KAFKA_PARTITION_UA)
        }
        let code = rd_kafka_subscribe(handle.pointer, list)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            handle.destroy()
            throw BusError.subscribe(BusError.reason(code))
        }
    }

    /// Consumes until `stop()` is called or the task is cancelled, then commits and closes.
    public func run(_ handler: Handler) async throws {
        do {
            try await consume(handler)
        } catch {
            await closeOnOwnThread()
            throw error
        }
        await closeOnOwnThread()
    }

    private func consume(_ handler: Handler) async throws {
        // Failed attempts at the message each partition is stuck on, for the backoff.
        var failures: [PartitionID: (offset: Int64, attempts: Int)] = [:]
        while !isStopping {
            guard let message = try await poll() else { continue }
            let partition = PartitionID(topic: message.topic, partition: message.partition)
            let previous = failures[partition].flatMap { $0.offset == message.offset ? $0.attempts : nil } ?? 0
            if await process(message, attempt: previous + 1, handler) {
                failures[partition] = nil
            } else {
                failures[partition] = (message.offset, previous + 1)
            }
        }
    }

    /// Decodes each message before handling it; a message that fails to decode goes to the DLQ.
    public func run<Value>(
        decode: @escaping @Sendable (ConsumedMessage) throws -> Value,
        handle: @escaping @Sendable (Value, ConsumedMessage) async throws -> Void
    ) async throws {
        try await run { message in
            let value: Value
            do {
                value = try decode(message)
            } catch let invalid as InvalidMessage {
                throw invalid
            } catch {
                throw InvalidMessage("decode failed: \(error)")
            }
            try await handle(value, message)
        }
    }

    /// Asks `run` to return after the message in hand.
    public func stop() {
        state.withLock { $0.stopRequested = true }
    }

    private var isStopping: Bool {
        Task.isCancelled || state.withLock { $0.stopRequested }
    }

    /// Handles one message once. Returns false when it was not processed: the partition was
    /// rewound to it (after a backoff that grows with `attempt`) so poll delivers it again.
    private func process(_ message: ConsumedMessage, attempt: Int, _ handler: Handler) async -> Bool {
        do {
            try await handler(message)
            storeOffset(of: message)
            return true
        } catch let invalid as InvalidMessage {
            if await deadLetter(message, reason: invalid.reason) {
                storeOffset(of: message)
                return true
            }
        } catch {
            logger.warning("handler failed; message will be retried", metadata: origin(of: message, [
                "attempt": "\(attempt)", "error": "\(error)",
            ]))
        }
        if await rewind(to: message), !isStopping {
            try? await Task.sleep(for: retry.delay(afterFailures: attempt))
        }
        return false
    }

    private func deadLetter(_ message: ConsumedMessage, reason: String) async -> Bool {
        let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        let record = DeadLetters.record(for: message, group: groupID, reason: reason, nowMs: nowMs)
        do {
            try await deadLetters.send(record)
            logger.error("message sent to dead-letter topic", metadata: origin(of: message, ["reason": "\(reason)"]))
            return true
        } catch {
            logger.error("dead-letter publish failed; message will be retried", metadata: origin(of: message, [
                "error": "\(error)",
            ]))
            return false
        }
    }

    private func poll() async throws -> ConsumedMessage? {
        let handle = self.handle
        let logger = self.logger
        return try await queue.run {
            guard let raw = rd_kafka_consumer_poll(handle.pointer, 100) else { return nil }
            defer { rd_kafka_message_destroy(raw) }
            let message = raw.pointee
            if message.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                if message.err != RD_KAFKA_RESP_ERR__PARTITION_EOF {
                    logger.warning("consumer error", metadata: ["reason": "\(BusError.reason(message.err))"])
                }
                return nil
            }
            return Self.copy(raw)
        }
    }

    /// Marks the message processed; the background committer commits it.
    private func storeOffset(of message: ConsumedMessage) {
        let list = rd_kafka_topic_partition_list_new(1)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        rd_kafka_topic_partition_list_add(list, message.topic, message.partition)?.pointee.offset = message.offset + 1
        let code = rd_kafka_offsets_store(handle.pointer, list)
        if code != RD_KAFKA_RESP_ERR_NO_ERROR {
            // The partition was revoked meanwhile: its new owner re-delivers from the last commit.
            logger.warning("offset not stored", metadata: origin(of: message, ["reason": "\(BusError.reason(code))"]))
        }
    }

    /// Seeks the message's partition back to it, purging prefetched messages, so it is fetched again.
    private func rewind(to message: ConsumedMessage) async -> Bool {
        let handle = self.handle
        let (topic, partition, offset) = (message.topic, message.partition, message.offset)
        let failure: String? = try? await queue.run {
            let list = rd_kafka_topic_partition_list_new(1)
            defer { rd_kafka_topic_partition_list_destroy(list) }
            rd_kafka_topic_partition_list_add(list, topic, partition)?.pointee.offset = offset
            guard let error = rd_kafka_seek_partitions(handle.pointer, list, 5000) else { return nil }
            defer { rd_kafka_error_destroy(error) }
            return String(cString: rd_kafka_error_string(error))
        }
        if let failure {
            logger.warning("seek back failed; the partition's next owner re-delivers it", metadata: origin(of: message, [
                "reason": "\(failure)",
            ]))
            return false
        }
        return true
    }

    /// `close` on the consumer's own thread, as polls run: it may wait seconds for the broker,
    /// which must not hold a thread of the shared pool.
    private func closeOnOwnThread() async {
        _ = try? await queue.run { [self] in close() }
    }

    /// How long closing may wait for the broker: with it gone, committing and leaving the group
    /// would wait for it indefinitely.
    static let closeTimeout = Duration.seconds(5)

    /// Commits stored offsets and leaves the group (librdkafka's close does both), giving up
    /// after `closeTimeout`: offsets left uncommitted are only delivered again, which every
    /// handler tolerates. Idempotent.
    private func close() {
        let alreadyClosed = state.withLock { state in
            defer { state.closed = true }
            return state.closed
        }
        guard !alreadyClosed else { return }
        let events = rd_kafka_queue_new(handle.pointer)
        if let error = rd_kafka_consumer_close_queue(handle.pointer, events) {
            logger.warning("consumer close failed", metadata: ["reason": "\(String(cString: rd_kafka_error_string(error)))"])
            rd_kafka_error_destroy(error)
        }
        let deadline = ContinuousClock.now + Self.closeTimeout
        while rd_kafka_consumer_closed(handle.pointer) == 0, ContinuousClock.now < deadline {
            if let event = rd_kafka_queue_poll(events, 100) { rd_kafka_event_destroy(event) }
        }
        let closed = rd_kafka_consumer_closed(handle.pointer) != 0
        rd_kafka_queue_destroy(events)
        if !closed {
            logger.warning("the broker did not answer the close in time; uncommitted messages will be delivered again", metadata: [
                "group": "\(groupID)", "waited": "\(Self.closeTimeout)",
            ])
        }
        // Closed above, or given up on: destroying must not start the close again.
        handle.destroy(skippingConsumerClose: true)
    }

    private func origin(of message: ConsumedMessage, _ extra: Logger.Metadata = [:]) -> Logger.Metadata {
        extra.merging([
            "topic": "\(message.topic)", "partition": "\(message.partition)", "offset": "\(message.offset)",
        ]) { current, _ in current }
    }

    private static func copy(_ raw: UnsafeMutablePointer<rd_kafka_message_t>) -> ConsumedMessage {
        let message = raw.pointee
        let topic = String(cString: rd_kafka_topic_name(message.rkt))
        let value = message.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: message.len)) } ?? []
        let key = message.key.map { Array(UnsafeRawBufferPointer(start: $0, count: message.key_len)) }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(raw, &timestampType)
        return ConsumedMessage(
            topic: topic, partition: message.partition, offset: message.offset, key: key, value: value,
            headers: copyHeaders(raw),
            timestampMs: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : timestamp)
    }

    private static func copyHeaders(_ raw: UnsafeMutablePointer<rd_kafka_message_t>) -> [KafkaHeader] {
        var list: OpaquePointer?
        guard rd_kafka_message_headers(raw, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [] }
        var headers: [KafkaHeader] = []
        var index = 0
        var name: UnsafePointer<CChar>?
        var value: UnsafeRawPointer?
        var size = 0
        while rd_kafka_header_get_all(list, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
            let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
            headers.append(KafkaHeader(name.map { String(cString: $0) } ?? "", bytes))
            index += 1
        }
        return headers
    }
}
