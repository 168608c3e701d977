import CRdKafka
import Config

/// A librdkafka client handle. librdkafka documents its handles as thread-safe, so sharing
/// the pointer across threads and tasks is safe; `destroy` is called once, by the owner.
struct KafkaHandle: @unchecked Sendable {
    let pointer: OpaquePointer

    enum Role {
        case producer
        case consumer(groupID: String)
    }

    /// Builds the librdkafka configuration for a role from Keel's config. Each property that
    /// librdkafka refuses is reported by name.
    static func configuration(_ config: KafkaConfig, role: Role) throws -> OpaquePointer {
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

    /// Creates the client; librdkafka takes ownership of `conf` on success.
    static func create(type: rd_kafka_type_t, conf: OpaquePointer) throws -> KafkaHandle {
        var errorText = [CChar](repeating: 0, count: 512)
        guard let pointer = rd_kafka_new(type, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            throw BusError.clientCreation(BusError.text(errorText))
        }
        return KafkaHandle(pointer: pointer)
    }

    /// Asks the cluster for its metadata: the cheapest proof that a broker answers.
    func checkBroker(timeoutMs: Int32) throws {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let code = rd_kafka_metadata(pointer, 0, nil, &metadata, timeoutMs)
        if let metadata { rd_kafka_metadata_destroy(metadata) }
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else { throw BusError.metadata(BusError.reason(code)) }
    }
}
