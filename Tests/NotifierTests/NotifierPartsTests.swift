import Core
import Notifier
import Testing

@Suite("Notifier parts")
struct NotifierPartsTests {
    @Test("operator commands parse; bad ones name the problem")
    func parsing() throws {
        #expect(try OperatorRequest.parse("/pause").get() == .pause)
        #expect(try OperatorRequest.parse("/resume@KeelBot").get() == .resume)
        #expect(try OperatorRequest.parse("/close ethusdt").get() == .close(try Symbol("ETHUSDT")))
        #expect(try OperatorRequest.parse("/flatten").get() == .flatten)
        #expect(try OperatorRequest.parse("/flatten CONFIRM").get() == .confirmFlatten)
        for (text, problem) in [
            ("pause", "not a command; commands start with /"), ("/pause now", "/pause takes no arguments"),
            ("/close", "usage: /close SYMBOL, e.g. /close BTCUSDT"), ("/close BTC USDT", "usage: /close SYMBOL, e.g. /close BTCUSDT"),
            ("/flatten please", "usage: /flatten, then /flatten confirm"), ("/rm -rf", "unknown command /rm"),
        ] {
            guard case .failure(let error) = OperatorRequest.parse(text) else { Issue.record("\(text) must be refused"); continue }
            #expect(error.description == problem)
        }
    }

    @Test("a burst is batched up to the length limit; backoff doubles to its cap")
    func policy() {
        let policy = DeliveryPolicy(minimumIntervalMs: 1000, maximumLength: 12, initialBackoffMs: 500, maximumBackoffMs: 3000)
        let queue = ["aaaa", "bbbb", "cccc"].enumerated().map { OutboxMessage(id: Int64($0.offset), recipient: "1", text: $0.element, attempts: 0) }
        let batch = policy.batch(queue)
        #expect(batch.ids == [0, 1] && batch.text == "aaaa\n\nbbbb")
        let long = [OutboxMessage(id: 9, recipient: "1", text: String(repeating: "x", count: 20), attempts: 0)]
        #expect(policy.batch(long).text.count == 12, "a message longer than the limit is cut, not stuck")
        #expect((1...5).map { policy.backoffMs(afterAttempts: $0) } == [500, 1000, 2000, 3000, 3000])
    }
}
