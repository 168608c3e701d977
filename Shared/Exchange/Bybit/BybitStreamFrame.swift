import Core
import Foundation

/// A reply to an op on a Bybit stream: subscribe, unsubscribe, auth, or the public pong.
public struct BybitOpReply: Sendable, Hashable {
    public let op: String
    public let success: Bool
    public let message: String
    public let requestID: String
    public let connectionID: String
}

/// A push on a topic. `payload` is the whole frame, decoded per topic.
public struct BybitPush: Sendable, Hashable {
    public let topic: String
    /// `snapshot` or `delta` (absent on private pushes).
    public let type: String?
    /// `ts`, or `creationTime` on private pushes.
    public let time: Timestamp?
    public let payload: Data
}

/// One text frame from a Bybit V5 stream, by kind.
public enum BybitStreamFrame: Sendable, Hashable {
    case reply(BybitOpReply)
    /// The private stream's `{"op":"pong",…}`.
    case pong
    case push(BybitPush)
}

/// Decodes Bybit stream frames. Every failure is a `BybitDecodingError` with an excerpt.
public enum BybitStreamDecoder {
    private struct Envelope: Decodable {
        let op: String?
        let success: Bool?
        let retMsg: String?
        let reqID: String?
        let connID: String?
        let topic: String?
        let type: String?
        let time: Int64?

        enum CodingKeys: String, CodingKey {
            case op, success, topic, type, ts, creationTime
            case retMsg = "ret_msg"
            case reqID = "req_id"
            case connID = "conn_id"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            op = try c.decodeIfPresent(String.self, forKey: .op)
            success = try c.decodeIfPresent(Bool.self, forKey: .success)
            retMsg = try c.decodeIfPresent(String.self, forKey: .retMsg)
            reqID = try c.decodeIfPresent(String.self, forKey: .reqID)
            connID = try c.decodeIfPresent(String.self, forKey: .connID)
            topic = try c.decodeIfPresent(String.self, forKey: .topic)
            type = try c.decodeIfPresent(String.self, forKey: .type)
            if c.contains(.ts) {
                time = try c.bybitInteger(.ts)
            } else if c.contains(.creationTime) {
                time = try c.bybitInteger(.creationTime)
            } else {
                time = nil
            }
        }
    }

    /// The `data` member of a push.
    private struct DataMember<Value: Decodable>: Decodable {
        let data: Value
        enum CodingKeys: String, CodingKey { case data }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            guard c.contains(.data) else { throw BybitDecodingError(.missingField, field: "data") }
            data = try c.decode(Value.self, forKey: .data)
        }
    }

    public static func frame(_ text: String) throws -> BybitStreamFrame {
        let payload = Data(text.utf8)
        let envelope = try withPayloadExcerpt(payload) { try JSONDecoder().decode(Envelope.self, from: payload) }
        if let topic = envelope.topic {
            return .push(BybitPush(topic: topic, type: envelope.type, time: envelope.time.map(Timestamp.init(milliseconds:)), payload: payload))
        }
        guard let op = envelope.op else {
            throw BybitDecodingError(.missingField, field: "op", excerpt: payloadExcerpt(payload))
        }
        if op == "pong" { return .pong }
        return .reply(BybitOpReply(
            op: op, success: envelope.success ?? false, message: envelope.retMsg ?? "",
            requestID: envelope.reqID ?? "", connectionID: envelope.connID ?? ""))
    }

    /// The push's `data`, decoded as `Value`.
    public static func data<Value: Decodable>(_ type: Value.Type, of push: BybitPush) throws -> Value {
        try withPayloadExcerpt(push.payload) { try JSONDecoder().decode(DataMember<Value>.self, from: push.payload).data }
    }
}

extension KeyedDecodingContainer {
    /// A required side, `Buy` or `Sell`.
    func bybitSide(_ key: Key) throws -> Side {
        let text = try bybitString(key)
        switch text {
        case "Buy": return .buy
        case "Sell": return .sell
        default: throw BybitDecodingError(.unknownEnumValue(text), field: jsonPath(codingPath + [key]))
        }
    }

    /// A required array.
    func bybitArray<Element: Decodable>(_ key: Key) throws -> [Element] {
        guard contains(key) else { throw BybitDecodingError(.missingField, field: jsonPath(codingPath + [key])) }
        return try decode([Element].self, forKey: key)
    }

    /// A required flag, sent as a JSON bool (or the strings "true"/"false").
    func bybitBool(_ key: Key) throws -> Bool {
        let path = jsonPath(codingPath + [key])
        switch try decodeIfPresent(BybitScalar.self, forKey: key) ?? .null {
        case .bool(let flag): return flag
        case .string("true"): return true
        case .string("false"): return false
        case .string(let text): throw BybitDecodingError(.unknownEnumValue(text), field: path)
        case .null: throw BybitDecodingError(.missingField, field: path)
        case .number, .composite: throw BybitDecodingError(.typeMismatch(expected: "bool"), field: path)
        }
    }
}

/// Runs `body`, turning a record's validation error into a decoding error at `field`.
func validated<T>(field: String, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as BybitDecodingError {
        throw error
    } catch {
        throw BybitDecodingError(.invalidValue(String(describing: error)), field: field)
    }
}
