import CRdKafka
import Config
import Logging

/// A librdkafka client handle. librdkafka documents its handles as thread-safe, so sharing
/// the pointer across threads and tasks is safe; `destroy` is called once, by the owner.
struct KafkaHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    /// Receives librdkafka's own log lines; retained for the handle's lifetime.
    private let logSink: Unmanaged<KafkaLogSink>

    enum Role {
        case producer
        case consumer(groupID: String)
    }

    /// Builds the librdkafka configuration for a role from Keel's config. Each property that
    /// librdkafka refuses is reported by name.
    private static func configuration(_ config: KafkaConfig, role: Role) throws -> OpaquePointer {
        var properties: [(String, String)] = [
            ("bootstrap.servers", config.bootstrapServers),
            ("client.id", config.clientID),
            ("socket.keepalive.enable", "true"),
        ]
        switch role {
        case .producer:
            properties += [
                ("enable.idempotence", "true"),
                ("acks", "all"),
                ("linger.ms", String(config.lingerMs)),
            ]
        case .consumer(let groupID):
            properties += [
                ("group.id", groupID),
                ("session.timeout.ms", String(config.sessionTimeoutMs)),
                ("heartbeat.interval.ms", String(config.heartbeatIntervalMs)),
                ("fetch.wait.max.ms", String(config.fetchWaitMaxMs)),
                // Offsets are stored by the consumer only after a handler succeeded; the
                // background committer then commits only those.
                ("enable.auto.commit", "true"),
                ("enable.auto.offset.store", "false"),
                ("auto.commit.interval.ms", String(config.autoCommitIntervalMs)),
                ("auto.offset.reset", "earliest"),
            ]
        }
        properties += config.extraProperties.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }

        guard let conf = rd_kafka_conf_new() else { throw BusError.clientCreation("rd_kafka_conf_new failed") }
        for (name, value) in properties {
            var errorText = [CChar](repeating: 0, count: 512)
            if rd_kafka_conf_set(conf, name, value, &errorText, errorText.count) != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                throw BusError.invalidProperty(name: name, reason: BusError.text(errorText))
            }
        }
        return conf
    }

    /// Creates a client for `role`. `customize` may set callbacks on the configuration first.
    /// librdkafka's own log lines go to `logger` instead of standard error.
    static func create(
        _ config: KafkaConfig, role: Role, logger: Logger, customize: (OpaquePointer) -> Void = { _ in }
    ) throws -> KafkaHandle {
        let conf = try configuration(config, role: role)
        customize(conf)
        let sink = Unmanaged.passRetained(KafkaLogSink(logger: logger))
        rd_kafka_conf_set_opaque(conf, sink.toOpaque())
        rd_kafka_conf_set_log_cb(conf) { client, level, facility, text in
            guard let client, let opaque = rd_kafka_opaque(client) else { return }
            Unmanaged<KafkaLogSink>.fromOpaque(opaque).takeUnretainedValue().log(
                level: level, facility: facility.map { String(cString: $0) } ?? "", text: text.map { String(cString: $0) } ?? "")
        }
        let type: rd_kafka_type_t = if case .consumer = role { RD_KAFKA_CONSUMER } else { RD_KAFKA_PRODUCER }
        var errorText = [CChar](repeating: 0, count: 512)
        guard let pointer = rd_kafka_new(type, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            sink.release()
            throw BusError.clientCreation(BusError.text(errorText))
        }
        return KafkaHandle(pointer: pointer, logSink: sink)
    }

    /// Destroys the client (librdkafka may still log while it closes), then its log sink.
    /// `skippingConsumerClose` leaves out a consumer's close (already done, or given up on).
    func destroy(skippingConsumerClose: Bool = false) {
        rd_kafka_destroy_flags(pointer, skippingConsumerClose ? RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE : 0)
        logSink.release()
    }

    /// Asks the cluster for its metadata: the cheapest proof that a broker answers.
    func checkBroker(timeoutMs: Int32) throws {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let code = rd_kafka_metadata(pointer, 0, nil, &metadata, timeoutMs)
        if let metadata { rd_kafka_metadata_destroy(metadata) }
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else { throw BusError.metadata(BusError.reason(code)) }
    }
}

/// Forwards librdkafka's syslog-levelled log lines to swift-log.
final class KafkaLogSink: Sendable {
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    func log(level: Int32, facility: String, text: String) {
        let mapped: Logger.Level = switch level {
        case ...2: .critical
        case 3: .error
        case 4: .warning
        case 5: .notice
        case 6: .info
        default: .debug
        }
        logger.log(level: mapped, "\(text)", metadata: ["source": "librdkafka", "facility": "\(facility)"])
    }
}
