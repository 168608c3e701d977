import Bus
import Core
import Schemas

/// Publishes operator commands on `ops.commands.v1` (Telegram's and the API's), keyed as the
/// topic asks. Risk applies each command id once and only from `risk.operators`.
public struct OperatorCommandSender: Sendable {
    let producer: KafkaProducer

    public init(producer: KafkaProducer) {
        self.producer = producer
    }

    public func send(_ command: OperatorCommand) async throws {
        let message = Keel_V1_OperatorCommand(command)
        _ = try await producer.send(OutgoingMessage(
            topic: Topic.opsCommands.rawValue, key: Array(message.partitionKey.utf8), value: try message.serializedBytes()))
    }
}
