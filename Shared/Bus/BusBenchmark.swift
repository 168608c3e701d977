import Config
import Dispatch
import Logging
import Synchronization

/// Measures the bus on a real broker: producer throughput for a message size, and one-hop
/// produce→consume latency (each message carries its send time; the consumer in the same
/// process subtracts it from its receive time).
public struct BusBenchmark: Sendable {
    public var config: KafkaConfig
    public var logger: Logger

    public init(config: KafkaConfig, logger: Logger) {
        self.config = config
        self.logger = logger
    }

    public struct Throughput: Sendable {
        public var messageBytes: Int
        public var messages: Int
        public var seconds: Double
        public var messagesPerSecond: Double { Double(messages) / seconds }
        public var megabytesPerSecond: Double { Double(messages * messageBytes) / seconds / 1_000_000 }
    }

    public struct Latency: Sendable {
        public var samples: Int
        public var p50Micros: Double
        public var p99Micros: Double
        public var p999Micros: Double
        public var maxMicros: Double
    }

    /// Sends `messages` records of `messageBytes` each, keeping up to `inFlight` unacknowledged,
    /// and times until the last acknowledgement.
    public func throughput(topic: String, messageBytes: Int, messages: Int, inFlight: Int = 10_000) async throws -> Throughput {
        let producer = try KafkaProducer(config: config, logger: logger)
        defer { producer.close() }
        let payload = [UInt8](repeating: 0x6b, count: messageBytes)
        try await producer.send(OutgoingMessage(topic: topic, key: "warmup", value: payload))

        let start = DispatchTime.now().uptimeNanoseconds
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<messages {
                if index >= inFlight { try await group.next() }
                group.addTask {
                    try await producer.send(OutgoingMessage(topic: topic, key: "k\(index % 64)", value: payload))
                }
            }
            try await group.waitForAll()
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Throughput(messageBytes: messageBytes, messages: messages, seconds: seconds)
    }

    /// Sends `samples` small records, one every `interval`, and measures each one's trip to a
    /// consumer-group member in this process.
    public func latency(topic: String, samples: Int, interval: Duration = .milliseconds(2)) async throws -> Latency {
        let producer = try KafkaProducer(config: config, logger: logger)
        defer { producer.close() }
        let consumer = try KafkaConsumer(
            config: config, groupID: "keel-bench-\(UInt32.random(in: 0...UInt32.max))", topics: [topic],
            deadLetters: producer, logger: logger)
        let recorder = LatencyRecorder()

        let consuming = Task {
            try await consumer.run { message in
                let received = DispatchTime.now().uptimeNanoseconds
                guard message.value.count == 9 else { return }
                let sent = message.value.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
                recorder.record(received: received, sent: sent, isWarmup: message.value[8] == 0)
            }
        }
        // Warm up until the consumer has joined its group and sees our messages.
        let warmupDeadline = ContinuousClock.now + .seconds(60)
        while recorder.warmupsSeen == 0 {
            guard ContinuousClock.now < warmupDeadline else {
                consumer.stop()
                _ = await consuming.result
                throw BusError.metadata("the benchmark consumer received nothing within 60 s")
            }
            try await producer.send(OutgoingMessage(topic: topic, key: "bench", value: Self.stamp(warmup: true)))
            try await Task.sleep(for: .milliseconds(200))
        }
        for _ in 0..<samples {
            try await producer.send(OutgoingMessage(topic: topic, key: "bench", value: Self.stamp(warmup: false)))
            try await Task.sleep(for: interval)
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while recorder.count < samples && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        consumer.stop()
        _ = await consuming.result
        return recorder.summary()
    }

    /// Eight bytes of send time (little-endian uptime nanoseconds) and a warm-up flag.
    private static func stamp(warmup: Bool) -> [UInt8] {
        let now = DispatchTime.now().uptimeNanoseconds
        return (0..<8).map { UInt8(truncatingIfNeeded: now >> (8 * UInt64($0))) } + [warmup ? 0 : 1]
    }
}

private final class LatencyRecorder: Sendable {
    private let state = Mutex<(micros: [Double], warmups: Int)>(([], 0))

    var count: Int { state.withLock { $0.micros.count } }
    var warmupsSeen: Int { state.withLock { $0.warmups } }

    func record(received: UInt64, sent: UInt64, isWarmup: Bool) {
        state.withLock { state in
            if isWarmup {
                state.warmups += 1
            } else {
                state.micros.append(Double(received &- sent) / 1000)
            }
        }
    }

    func summary() -> BusBenchmark.Latency {
        let sorted = state.withLock { $0.micros }.sorted()
        func percentile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return .nan }
            return sorted[min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1)]
        }
        return BusBenchmark.Latency(
            samples: sorted.count, p50Micros: percentile(0.5), p99Micros: percentile(0.99),
            p999Micros: percentile(0.999), maxMicros: sorted.last ?? .nan)
    }
}
