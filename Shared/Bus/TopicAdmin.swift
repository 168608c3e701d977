import CRdKafka
import Config
import Logging

/// Creates topics on the cluster. Creating a topic that exists is not an error, so start-up
/// scripts and services can call it every time.
public final class TopicAdmin: Sendable {
    private let handle: KafkaHandle
    private let queue = BlockingQueue(label: "keel.kafka.admin")

    public init(config: KafkaConfig, logger: Logger = Logger(label: "keel.kafka.admin")) throws {
        handle = try KafkaHandle.create(config, role: .producer, logger: logger)
    }

    deinit {
        handle.destroy()
    }

    public struct TopicSpec: Sendable, Hashable {
        public var name: String
        public var partitions: Int
        public var replicationFactor: Int
        /// Topic-level settings, e.g. `cleanup.policy=compact` for snapshot topics.
        public var settings: [String: String]

        public init(name: String, partitions: Int, replicationFactor: Int = 1, settings: [String: String] = [:]) {
            self.name = name
            self.partitions = partitions
            self.replicationFactor = replicationFactor
            self.settings = settings
        }
    }

    /// Creates each topic that does not exist yet; returns the names that were created.
    @discardableResult
    public func create(_ topics: [TopicSpec], timeoutMs: Int32 = 10_000) async throws -> [String] {
        let handle = self.handle
        return try await queue.run { try Self.createBlocking(handle, topics, timeoutMs) }
    }

    /// Partition count per existing topic.
    public func partitionCounts(timeoutMs: Int32 = 5000) async throws -> [String: Int] {
        let handle = self.handle
        return try await queue.run {
            var metadata: UnsafePointer<rd_kafka_metadata>?
            let code = rd_kafka_metadata(handle.pointer, 1, nil, &metadata, timeoutMs)
            guard code == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
                throw BusError.metadata(BusError.reason(code))
            }
            defer { rd_kafka_metadata_destroy(metadata) }
            var counts: [String: Int] = [:]
            for index in 0..<Int(metadata.pointee.topic_cnt) {
                let topic = metadata.pointee.topics[index]
                counts[String(cString: topic.topic)] = Int(topic.partition_cnt)
            }
            return counts
        }
    }

    public func checkBroker(timeoutMs: Int32 = 2000) async throws {
        let handle = self.handle
        try await queue.run { try handle.checkBroker(timeoutMs: timeoutMs) }
    }

    private static func createBlocking(_ handle: KafkaHandle, _ topics: [TopicSpec], _ timeoutMs: Int32) throws -> [String] {
        guard !topics.isEmpty else { return [] }
        var newTopics: [OpaquePointer?] = []
        defer { newTopics.forEach { rd_kafka_NewTopic_destroy($0) } }
        for spec in topics {
            var errorText = [CChar](repeating: 0, count: 512)
            guard let newTopic = rd_kafka_NewTopic_new(
                spec.name, Int32(spec.partitions), Int32(spec.replicationFactor), &errorText, errorText.count)
            else {
                throw BusError.admin("topic \(spec.name): \(BusError.text(errorText))")
            }
            newTopics.append(newTopic)
            for (name, value) in spec.settings.sorted(by: { $0.key < $1.key }) {
                let code = rd_kafka_NewTopic_set_config(newTopic, name, value)
                guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    throw BusError.admin("topic \(spec.name) setting \(name): \(BusError.reason(code))")
                }
            }
        }

        let resultQueue = rd_kafka_queue_new(handle.pointer)
        defer { rd_kafka_queue_destroy(resultQueue) }
        let options = rd_kafka_AdminOptions_new(handle.pointer, RD_KAFKA_ADMIN_OP_CREATETOPICS)
        defer { rd_kafka_AdminOptions_destroy(options) }
        var errorText = [CChar](repeating: 0, count: 512)
        _ = rd_kafka_AdminOptions_set_operation_timeout(options, timeoutMs, &errorText, errorText.count)
        _ = rd_kafka_AdminOptions_set_request_timeout(options, timeoutMs, &errorText, errorText.count)

        newTopics.withUnsafeMutableBufferPointer { buffer in
            rd_kafka_CreateTopics(handle.pointer, buffer.baseAddress, buffer.count, options, resultQueue)
        }
        guard let event = rd_kafka_queue_poll(resultQueue, timeoutMs + 1000) else {
            throw BusError.admin("no answer to CreateTopics within \(timeoutMs) ms")
        }
        defer { rd_kafka_event_destroy(event) }
        if rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw BusError.admin(String(cString: rd_kafka_event_error_string(event)))
        }
        guard let result = rd_kafka_event_CreateTopics_result(event) else {
            throw BusError.admin("unexpected answer to CreateTopics")
        }
        var count = 0
        guard let results = rd_kafka_CreateTopics_result_topics(result, &count) else { return [] }
        var created: [String] = []
        for index in 0..<count {
            let topicResult = results[index]
            let name = String(cString: rd_kafka_topic_result_name(topicResult))
            switch rd_kafka_topic_result_error(topicResult) {
            case RD_KAFKA_RESP_ERR_NO_ERROR: created.append(name)
            case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS: continue
            default:
                let message = rd_kafka_topic_result_error_string(topicResult).map { String(cString: $0) } ?? "unknown"
                throw BusError.admin("topic \(name): \(message)")
            }
        }
        return created
    }
}
