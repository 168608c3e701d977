import Foundation

/// Names and headers of dead-letter records: `<topic>.dlq`, original key, value and headers,
/// plus the reason and the origin (topic, partition, offset, consumer group).
public enum DeadLetters {
    public static let suffix = ".dlq"
    public static let reasonHeader = "keel-dlq-reason"
    public static let topicHeader = "keel-dlq-topic"
    public static let partitionHeader = "keel-dlq-partition"
    public static let offsetHeader = "keel-dlq-offset"
    public static let groupHeader = "keel-dlq-group"
    public static let timeHeader = "keel-dlq-time-ms"

    public static func topic(for topic: String) -> String { topic + suffix }

    /// The dead-letter record for `message`, which `group` could not process because of `reason`.
    public static func record(for message: ConsumedMessage, group: String, reason: String, nowMs: Int64) -> OutgoingMessage {
        OutgoingMessage(
            topic: topic(for: message.topic),
            key: message.key,
            value: message.value,
            headers: message.headers + [
                KafkaHeader(reasonHeader, text: reason),
                KafkaHeader(topicHeader, text: message.topic),
                KafkaHeader(partitionHeader, text: String(message.partition)),
                KafkaHeader(offsetHeader, text: String(message.offset)),
                KafkaHeader(groupHeader, text: group),
                KafkaHeader(timeHeader, text: String(nowMs)),
            ]
        )
    }
}
