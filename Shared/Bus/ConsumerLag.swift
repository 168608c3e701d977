import CRdKafka
import Config
import Logging

/// How far a consumer group is behind on one partition.
public struct PartitionLag: Sendable, Hashable {
    public let topic: String
    public let partition: Int32
    /// The group's committed offset (the next record it will read), nil if it never committed.
    public let committed: Int64?
    /// The partition's end offset (the offset the next record produced will get).
    public let end: Int64

    public init(topic: String, partition: Int32, committed: Int64?, end: Int64) {
        self.topic = topic
        self.partition = partition
        self.committed = committed
        self.end = end
    }

    /// Records the group has still to consume; everything, when it never committed.
    public var lag: Int64 { max(0, end - (committed ?? 0)) }
}

/// Reads a group's committed offsets and the partitions' end offsets, without joining the
/// group (so measuring never triggers a rebalance of the running consumers).
public enum ConsumerLag {
    public static func measure(
        config: KafkaConfig, group: String, topics: [String], timeoutMs: Int32 = 5000,
        logger: Logger = Logger(label: "keel.kafka.lag")
    ) async throws -> [PartitionLag] {
        let partitions = try await TopicAdmin(config: config, logger: logger).partitionCounts(timeoutMs: timeoutMs)
        let handle = try KafkaHandle.create(config, role: .consumer(groupID: group), logger: logger)
        defer { handle.destroy() }
        return try await BlockingQueue(label: "keel.kafka.lag").run {
            guard let list = rd_kafka_topic_partition_list_new(1) else { throw BusError.admin("out of memory") }
            defer { rd_kafka_topic_partition_list_destroy(list) }
            for topic in topics {
                for partition in 0..<Int32(partitions[topic] ?? 0) {
                    rd_kafka_topic_partition_list_add(list, topic, partition)
                }
            }
            let code = rd_kafka_committed(handle.pointer, list, timeoutMs)
            guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw BusError.admin("committed offsets of group \(group): \(BusError.reason(code))")
            }
            return try (0..<Int(list.pointee.cnt)).map { index in
                let element = list.pointee.elems[index]
                let topic = String(cString: element.topic)
                var low: Int64 = 0
                var high: Int64 = 0
                let watermarks = rd_kafka_query_watermark_offsets(handle.pointer, topic, element.partition, &low, &high, timeoutMs)
                guard watermarks == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    throw BusError.metadata("end offset of \(topic)[\(element.partition)]: \(BusError.reason(watermarks))")
                }
                return PartitionLag(
                    topic: topic, partition: element.partition, committed: element.offset >= 0 ? element.offset : nil, end: high)
            }
        }
    }
}
