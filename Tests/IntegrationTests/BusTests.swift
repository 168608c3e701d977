import Bus
import Foundation
import Synchronization
import Testing

@Suite("Kafka bus against the real broker")
struct BusTests {
    let logger = BusTesting.logger

    @Test("produce and consume in a consumer group, order per key kept, headers intact")
    func roundTrip() async throws {
        let config = try TestEnvironment.kafka()
        let topic = try await BusTesting.makeTopic("roundtrip")
        let producer = try KafkaProducer(config: config, logger: logger)
        defer { producer.close() }

        let symbols = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT"]
        let sent = (0..<40).map { (key: symbols[$0 % symbols.count], value: "\(symbols[$0 % symbols.count]):\($0)") }
        var reports: [DeliveryReport] = []
        for (key, value) in sent {
            reports.append(try await producer.send(OutgoingMessage(
                topic: topic, key: key, value: Array(value.utf8), headers: [KafkaHeader("trace", text: value)])))
        }
        #expect(reports.allSatisfy { $0.topic == topic && $0.offset >= 0 })

        let received = Received()
        let consumer = try KafkaConsumer(
            config: config, groupID: TestEnvironment.uniqueName("g"), topics: [topic], deadLetters: producer, logger: logger)
        let running = BusTesting.start(consumer) { received.append($0) }
        try await BusTesting.waitUntil("40 messages") { received.count >= 40 }
        consumer.stop()
        try await running.value

        #expect(Set(received.values) == Set(sent.map(\.value)))
        #expect(received.count == 40, "no duplicates in a clean run")
        for symbol in symbols {
            let perKey = received.all.filter { $0.keyText == symbol }.map { String(decoding: $0.value, as: UTF8.self) }
            #expect(perKey == sent.filter { $0.key == symbol }.map(\.value), "order of \(symbol) kept")
            #expect(Set(received.all.filter { $0.keyText == symbol }.map(\.partition)).count == 1, "one partition per key")
        }
        #expect(received.all.allSatisfy { $0.header("trace")?.text == String(decoding: $0.value, as: UTF8.self) })
    }

    @Test("a handler that throws gets its message again, before later messages of its partition")
    func retryAfterFailure() async throws {
        let config = try TestEnvironment.kafka()
        let topic = try await BusTesting.makeTopic("retry", partitions: 1)
        let producer = try KafkaProducer(config: config, logger: logger)
        defer { producer.close() }
        try await BusTesting.produce((0..<5).map { (key: "BTCUSDT", value: "m\($0)") }, to: topic, producer: producer)

        let attempts = Mutex<[String: Int]>([:])
        let handled = Received()
        struct Transient: Error {}
        let consumer = try KafkaConsumer(
            config: config, groupID: TestEnvironment.uniqueName("g"), topics: [topic], deadLetters: producer,
            retry: .init(initial: .milliseconds(20), maximum: .milliseconds(100)), logger: logger)
        let running = BusTesting.start(consumer) { message in
            let value = String(decoding: message.value, as: UTF8.self)
            let attempt = attempts.withLock { $0[value, default: 0] += 1; return $0[value]! }
            if value == "m2" && attempt <= 2 { throw Transient() }
            handled.append(message)
        }
        try await BusTesting.waitUntil("5 handled") { handled.count >= 5 }
        consumer.stop()
        try await running.value

        #expect(attempts.withLock { $0["m2"] } == 3, "m2 delivered again after each failure")
        #expect(handled.values == ["m0", "m1", "m2", "m3", "m4"], "later messages wait for the failing one")
    }

    @Test("a malformed message goes to the dead-letter topic with reason and origin; the next one is processed")
    func deadLetter() async throws {
        let config = try TestEnvironment.kafka()
        let topic = try await BusTesting.makeTopic("dlq", partitions: 1)
        let producer = try KafkaProducer(config: config, logger: logger)
        defer { producer.close() }
        try await BusTesting.produce(
            [(key: "BTCUSDT", value: "42"), (key: "BTCUSDT", value: "not-a-number"), (key: "BTCUSDT", value: "43")],
            to: topic, producer: producer)

        let decoded = Mutex<[Int]>([])
        let consumer = try KafkaConsumer(
            config: config, groupID: "svc-\(topic)", topics: [topic], deadLetters: producer, logger: logger)
        let running = Task {
            try await consumer.run(
                decode: { message in
                    guard let number = Int(String(decoding: message.value, as: UTF8.self)) else {
                        throw InvalidMessage("value is not an integer")
                    }
                    return number
                },
                handle: { number, _ in decoded.withLock { $0.append(number) } })
        }
        try await BusTesting.waitUntil("both valid messages") { decoded.withLock { $0.count } >= 2 }
        consumer.stop()
        try await running.value
        #expect(decoded.withLock { $0 } == [42, 43])

        let dead = Received()
        let dlqReader = try KafkaConsumer(
            config: config, groupID: TestEnvironment.uniqueName("dlq-reader"), topics: [DeadLetters.topic(for: topic)],
            deadLetters: producer, logger: logger)
        let reading = BusTesting.start(dlqReader) { dead.append($0) }
        try await BusTesting.waitUntil("the dead letter") { dead.count >= 1 }
        dlqReader.stop()
        try await reading.value

        let letter = try #require(dead.all.first)
        #expect(dead.count == 1)
        #expect(String(decoding: letter.value, as: UTF8.self) == "not-a-number", "original bytes kept")
        #expect(letter.keyText == "BTCUSDT")
        #expect(letter.header(DeadLetters.reasonHeader)?.text.contains("value is not an integer") == true)
        #expect(letter.header(DeadLetters.topicHeader)?.text == topic)
        #expect(letter.header(DeadLetters.partitionHeader)?.text == "0")
        #expect(letter.header(DeadLetters.offsetHeader)?.text == "1")
        #expect(letter.header(DeadLetters.groupHeader)?.text == "svc-\(topic)")
    }

    @Test("offsets are committed only for handled messages: a new member continues where a stopped one left off")
    func commitAfterSuccess() async throws {
        let config = try TestEnvironment.kafka()
        let topic = try await BusTesting.makeTopic("commit", partitions: 1)
        let group = TestEnvironment.uniqueName("g")
        let producer = try KafkaProducer(config: config, logger: logger)
        defer { producer.close() }
        try await BusTesting.produce((0..<10).map { (key: "ETHUSDT", value: "m\($0)") }, to: topic, producer: producer)
        let unread = try await ConsumerLag.measure(config: config, group: group, topics: [topic])
        #expect(unread == [PartitionLag(topic: topic, partition: 0, committed: nil, end: 10)] && unread[0].lag == 10)

        // The first member handles m0...m3, then fails on m4 until it is stopped.
        struct Down: Error {}
        let first = Received()
        let firstConsumer = try KafkaConsumer(
            config: config, groupID: group, topics: [topic], deadLetters: producer,
            retry: .init(initial: .milliseconds(20), maximum: .milliseconds(50)), logger: logger)
        let firstRun = BusTesting.start(firstConsumer) { message in
            if String(decoding: message.value, as: UTF8.self) == "m4" { throw Down() }
            first.append(message)
        }
        try await BusTesting.waitUntil("m0...m3") { first.count >= 4 }
        try await Task.sleep(for: .milliseconds(200))
        firstConsumer.stop()
        try await firstRun.value
        #expect(first.values == ["m0", "m1", "m2", "m3"])
        #expect(try await ConsumerLag.measure(config: config, group: group, topics: [topic]).map(\.lag) == [6])

        let second = Received()
        let secondConsumer = try KafkaConsumer(
            config: config, groupID: group, topics: [topic], deadLetters: producer, logger: logger)
        let secondRun = BusTesting.start(secondConsumer) { second.append($0) }
        try await BusTesting.waitUntil("m4...m9") { second.count >= 6 }
        try await Task.sleep(for: .milliseconds(300))
        secondConsumer.stop()
        try await secondRun.value
        #expect(second.values == ["m4", "m5", "m6", "m7", "m8", "m9"], "nothing handled twice, nothing skipped")
        #expect(try await ConsumerLag.measure(config: config, group: group, topics: [topic]).map(\.lag) == [0])
    }

    @Test("stopping commits what was handled, without waiting for the background committer")
    func stoppingCommits() async throws {
        var config = try TestEnvironment.kafka()
        // Only the close can commit within this test.
        config.autoCommitIntervalMs = 600_000
        let topic = try await BusTesting.makeTopic("close-commit", partitions: 1)
        let group = TestEnvironment.uniqueName("g")
        let producer = try KafkaProducer(config: config, logger: logger)
        defer { producer.close() }
        try await BusTesting.produce((0..<5).map { (key: "ETHUSDT", value: "m\($0)") }, to: topic, producer: producer)
        let received = Received()
        let consumer = try KafkaConsumer(config: config, groupID: group, topics: [topic], deadLetters: producer, logger: logger)
        let run = BusTesting.start(consumer) { received.append($0) }
        try await BusTesting.waitUntil("m0...m4") { received.count >= 5 }
        consumer.stop()
        try await run.value
        #expect(try await ConsumerLag.measure(config: config, group: group, topics: [topic]).map(\.lag) == [0])
    }

    @Test("a producer reports delivery failure for a topic that cannot exist")
    func deliveryFailure() async throws {
        var config = try TestEnvironment.kafka()
        config.extraProperties = ["message.timeout.ms": "1500"]
        let producer = try KafkaProducer(config: config, logger: logger)
        defer { producer.close() }
        await #expect(throws: BusError.self) {
            try await producer.send(OutgoingMessage(topic: "bad topic name!", key: "k", value: [1]))
        }
    }

    @Test("an invalid librdkafka property is refused with its name")
    func invalidProperty() throws {
        var config = try TestEnvironment.kafka()
        config.extraProperties = ["no.such.property": "1"]
        #expect {
            _ = try KafkaProducer(config: config, logger: logger)
        } throws: { error in
            "\(error)".contains("no.such.property")
        }
    }
}
