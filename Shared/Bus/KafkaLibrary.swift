import CRdKafka

/// The librdkafka loaded at run time (not the headers compiled against).
public enum KafkaLibrary {
    public static var version: String { String(cString: rd_kafka_version_str()) }

    /// librdkafka before 2.3 mis-parses tagged fields in ApiVersions answers from some brokers
    /// (Debian bookworm ships 2.0.2): DESIGN.md, "Local Kafka".
    public static var isKnownGood: Bool { rd_kafka_version() >= 0x0203_00ff }
}
