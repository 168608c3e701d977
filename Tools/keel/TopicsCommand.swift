import ArgumentParser
import Bus
import Foundation
import Runtime

struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics", abstract: "Create, list and read Kafka topics.",
        subcommands: [Create.self, List.self, Consume.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create every Keel topic and its dead-letter topic (existing ones are left alone).")

        @OptionGroup var options: ConfigOptions
        @Option(help: "Partitions per topic (default: kafka.partitions).") var partitions: Int?

        func run() async throws {
            var config = try options.load()
            if let partitions { config.kafka.defaultPartitions = partitions }
            let created = try await TopicProvisioning.createAll(config: config.kafka)
            print(created.isEmpty ? "all topics exist" : "created \(created.count) topics: \(created.joined(separator: ", "))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List topics with their partition counts.")

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let config = try options.load()
            let counts = try await TopicAdmin(config: config.kafka).partitionCounts()
            for (name, partitions) in counts.sorted(by: { $0.key < $1.key }) {
                print("\(name)\t\(partitions)")
            }
        }
    }

    struct Consume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read a topic in a consumer group, writing one JSON line per message; offsets are committed only after the line is written and flushed to disk.")

        @OptionGroup var options: ConfigOptions
        @Option(help: "Topic to read.") var topic: String
        @Option(help: "Consumer group.") var group: String
        @Option(help: "Append to this file (fsync per message) instead of standard output.") var out: String?
        @Option(help: "Stop after this many messages.") var limit: Int?
        @Option(help: "Pause after each message, in milliseconds (to read slowly).") var paceMs: Int = 0

        func run() async throws {
            let config = try options.load()
            let sink = try MessageSink(path: out)
            let producer = try KafkaProducer(config: config.kafka, logger: cliLogger("keel.topics"))
            let consumer = try KafkaConsumer(
                config: config.kafka, groupID: group, topics: [topic], deadLetters: producer,
                logger: cliLogger("keel.topics"))
            let counter = Counter()
            let signals = SignalStop(consumer: consumer)
            try await consumer.run { [limit, paceMs] message in
                try sink.write(message)
                if paceMs > 0 { try await Task.sleep(for: .milliseconds(paceMs)) }
                if let limit, counter.increment() >= limit { consumer.stop() }
            }
            withExtendedLifetime(signals) {}
            producer.close()
        }
    }
}
