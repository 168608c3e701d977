import ArgumentParser
import Bus
import Foundation

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks that print numbers.", subcommands: [BusBench.self])

    struct BusBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bus",
            abstract: "Producer throughput (100 B and 1 KB) and one-hop produce→consume latency on the configured broker.")

        @OptionGroup var options: ConfigOptions
        @Option(help: "Messages per throughput run.") var messages: Int = 50_000
        @Option(help: "Latency samples.") var samples: Int = 2000
        @Option(help: "Gap between latency samples, in milliseconds.") var intervalMs: Int = 2
        @Option(help: "Consumer fetch.wait.max.ms for the latency run (the local broker holds every fetch this long).")
        var fetchWaitMs: Int = 5

        func validate() throws {
            guard messages > 0, samples > 0, intervalMs >= 0 else { throw ValidationError("counts must be positive") }
            guard fetchWaitMs >= 1 else { throw ValidationError("--fetch-wait-ms must be at least 1") }
        }

        func run() async throws {
            var config = try options.load().kafka
            // Low-latency settings: send at once, and let the broker answer fetches quickly.
            config.lingerMs = 0
            config.fetchWaitMaxMs = fetchWaitMs
            config.sessionTimeoutMs = 2000
            config.heartbeatIntervalMs = 500
            let topic = "keel.bench.\(UInt32.random(in: 0...UInt32.max))"
            let benchmark = BusBenchmark(config: config, logger: cliLogger("keel.bench"))
            let latencyTopic = topic + ".latency"
            _ = try await TopicAdmin(config: config).create([
                .init(name: topic, partitions: 1), .init(name: latencyTopic, partitions: 1),
            ])

            print("broker \(config.bootstrapServers), topic \(topic)")
            for size in [100, 1000] {
                let result = try await benchmark.throughput(topic: topic, messageBytes: size, messages: messages)
                print(String(
                    format: "produce %5d B: %8.0f msgs/s  %6.1f MB/s  (%d messages in %.2f s, acks=all, idempotent)",
                    size, result.messagesPerSecond, result.megabytesPerSecond, result.messages, result.seconds))
            }
            let latency = try await benchmark.latency(
                topic: latencyTopic, samples: samples, interval: .milliseconds(intervalMs))
            print(String(
                format: "one-hop latency (%d samples): p50 %.0f µs  p99 %.0f µs  p99.9 %.0f µs  max %.0f µs",
                latency.samples, latency.p50Micros, latency.p99Micros, latency.p999Micros, latency.maxMicros))
        }
    }
}
