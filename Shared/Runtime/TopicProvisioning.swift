import Bus
import Config
import Schemas

/// The topics of DESIGN.md, each with its dead-letter topic, as topic specifications.
public enum TopicProvisioning {
    public static func specs(partitions: Int) -> [TopicAdmin.TopicSpec] {
        Topic.allCases.flatMap { topic in
            [
                TopicAdmin.TopicSpec(
                    name: topic.name, partitions: partitions,
                    settings: topic.isCompacted ? ["cleanup.policy": "compact"] : [:]),
                TopicAdmin.TopicSpec(name: topic.deadLetter, partitions: partitions),
            ]
        }
    }

    /// Creates every missing topic; returns the names created.
    public static func createAll(config: KafkaConfig) async throws -> [String] {
        try await TopicAdmin(config: config).create(specs(partitions: config.defaultPartitions))
    }
}
