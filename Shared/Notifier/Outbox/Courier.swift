import Core
import Logging

/// Delivers one channel's outbox: for every recipient with something due, the next batch, by
/// `send`; what came of it is recorded by the outbox (retry, wait, give up).
public struct Courier: Sendable {
    public let channel: String
    public let outbox: Outbox
    public let policy: DeliveryPolicy
    let send: @Sendable (_ text: String, _ recipient: String) async -> DeliveryOutcome
    let clock: any TradingClock
    let logger: Logger

    public init(
        channel: String, outbox: Outbox, policy: DeliveryPolicy, clock: any TradingClock = LiveClock(), logger: Logger,
        send: @escaping @Sendable (_ text: String, _ recipient: String) async -> DeliveryOutcome
    ) {
        self.channel = channel
        self.outbox = outbox
        self.policy = policy
        self.send = send
        self.clock = clock
        self.logger = logger
    }

    /// Delivers what is due; returns how many batches went out.
    @discardableResult
    public func deliver() async throws -> Int {
        var delivered = 0
        let send = self.send
        for recipient in try await outbox.dueRecipients(channel: channel, at: clock.now()) {
            let outcome = try await outbox.deliverNext(channel: channel, recipient: recipient, policy: policy, at: clock.now()) { text in
                await send(text, recipient)
            }
            let metadata: Logger.Metadata = ["channel": "\(channel)", "recipient": "\(recipient)"]
            switch outcome {
            case .delivered?: delivered += 1
            case .retryAfter(let seconds)?: logger.warning("asked to wait before sending again", metadata: metadata.merging(["seconds": "\(seconds)"]) { $1 })
            case .failed(let reason)?: logger.warning("delivery failed; backing off", metadata: metadata.merging(["error": "\(reason)"]) { $1 })
            case .refused(let reason)?: logger.error("message refused; not retried", metadata: metadata.merging(["error": "\(reason)"]) { $1 })
            case nil: break
            }
        }
        return delivered
    }
}
