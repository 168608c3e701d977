import Foundation

/// One client frame on a simulator WebSocket: `{"op", "req_id"?, "args"?}`. Args are strings,
/// except the integer `expires` of `auth`, so each is kept as its JSON text.
struct StreamRequest: Decodable, Sendable {
    let op: String
    let reqID: String?
    let args: [String]

    enum CodingKeys: String, CodingKey {
        case op
        case reqID = "req_id"
        case args
    }

    /// One argument: a string, or an integer written as its digits.
    private struct Argument: Decodable {
        let text: String
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let string = try? container.decode(String.self) {
                text = string
            } else {
                text = String(try container.decode(Int64.self))
            }
        }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        op = try container.decode(String.self, forKey: .op)
        reqID = try container.decodeIfPresent(String.self, forKey: .reqID)
        args = try container.decodeIfPresent([Argument].self, forKey: .args)?.map(\.text) ?? []
    }

    /// The request in `text`, or nil when it is not a JSON object with a string `op`.
    static func parse(_ text: String) -> StreamRequest? {
        try? JSONDecoder().decode(StreamRequest.self, from: Data(text.utf8))
    }
}

/// The replies Bybit's linear and private streams send to ops.
enum StreamReply {
    /// `{"success","ret_msg","conn_id","req_id","op"}`: subscribe, unsubscribe, auth and the public pong.
    static func ack(op: String, success: Bool, message: String, connectionID: String, reqID: String?) -> String {
        SimJSON.object([
            ("success", .bool(success)), ("ret_msg", .string(message)), ("conn_id", .string(connectionID)),
            ("req_id", .string(reqID ?? "")), ("op", .string(op)),
        ]).serialized
    }

    /// The private stream's pong: `{"req_id","op":"pong","args":["<ms>"],"conn_id"}`.
    static func privatePong(connectionID: String, reqID: String?, now: Int64) -> String {
        SimJSON.object([
            ("req_id", .string(reqID ?? "")), ("op", .string("pong")), ("args", .array([.string(String(now))])),
            ("conn_id", .string(connectionID)),
        ]).serialized
    }
}
