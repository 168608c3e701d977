import CRdKafka

/// Failures of the Kafka bus, each with the librdkafka reason where there is one.
public enum BusError: Error, CustomStringConvertible, Sendable {
    /// A librdkafka property was refused (name, reason). Values are not echoed: they may be secrets.
    case invalidProperty(name: String, reason: String)
    case clientCreation(String)
    case produce(topic: String, reason: String)
    case delivery(topic: String, reason: String)
    case subscribe(String)
    case commit(String)
    case admin(String)
    case metadata(String)
    case closed

    public var description: String {
        switch self {
        case .invalidProperty(let name, let reason): "kafka property \(name) refused: \(reason)"
        case .clientCreation(let reason): "kafka client could not be created: \(reason)"
        case .produce(let topic, let reason): "could not enqueue a message for \(topic): \(reason)"
        case .delivery(let topic, let reason): "message to \(topic) was not delivered: \(reason)"
        case .subscribe(let reason): "subscribe failed: \(reason)"
        case .commit(let reason): "offset commit failed: \(reason)"
        case .admin(let reason): "topic administration failed: \(reason)"
        case .metadata(let reason): "broker metadata unavailable: \(reason)"
        case .closed: "the kafka client is closed"
        }
    }

    /// The NUL-terminated message librdkafka wrote into an error buffer.
    static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func reason(_ code: rd_kafka_resp_err_t) -> String {
        String(cString: rd_kafka_err2str(code))
    }
}
