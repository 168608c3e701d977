import Core
import Foundation

/// A command posted to `/api/commands/<name>`, checked before anything is sent: the body is
/// empty or a JSON object of known fields only — `reason` (text), `command_id` (the caller's
/// id, so a retried request is one command), `symbol` (`close`, required) and `confirm`
/// (`flatten`, must be true).
public struct APICommandRequest: Sendable, Hashable {
    public static let maximumBodyBytes = 4096
    public static let maximumReasonLength = 200

    /// The command names of the API paths, with what each asks for.
    public static let names = ["pause", "resume", "reset-breaker", "flatten", "close"]

    public let action: OperatorCommand.Action
    public let reason: String
    public let commandID: String?

    private struct Body: Decodable {
        var reason: String?
        var command_id: String?
        var symbol: String?
        var confirm: Bool?
    }

    public static func parse(name: String, body: [UInt8]) throws(APIRequestError) -> APICommandRequest {
        let fields = try decode(body)
        if let id = fields.command_id, !isValidCommandID(id) {
            throw APIRequestError("command_id must be 1 to 64 letters, digits, '.', '_', ':' or '-'")
        }
        let reason = fields.reason ?? ""
        guard reason.count <= maximumReasonLength else {
            throw APIRequestError("reason is longer than \(maximumReasonLength) characters")
        }
        // Risk records the reason in PostgreSQL, whose text cannot hold a NUL.
        guard !reason.utf8.contains(0) else { throw APIRequestError("reason must not contain NUL characters") }
        func refuse(_ field: String, _ value: Any?) throws(APIRequestError) {
            if value != nil { throw APIRequestError("\(name) takes no \(field)") }
        }
        let action: OperatorCommand.Action
        switch name {
        case "pause", "resume", "reset-breaker":
            try refuse("symbol", fields.symbol)
            try refuse("confirm", fields.confirm)
            action = name == "pause" ? .pause : name == "resume" ? .resume : .resetBreakers
        case "flatten":
            try refuse("symbol", fields.symbol)
            guard fields.confirm == true else {
                throw APIRequestError("flatten closes every position: send {\"confirm\": true} to do it")
            }
            action = .flattenAll
        case "close":
            try refuse("confirm", fields.confirm)
            guard let text = fields.symbol else { throw APIRequestError("close needs a symbol, e.g. {\"symbol\": \"BTCUSDT\"}") }
            guard let symbol = try? Symbol(text.uppercased()) else { throw APIRequestError("\"\(text)\" is not a symbol") }
            action = .closeSymbol(symbol)
        default:
            throw APIRequestError("unknown command \(name); one of \(names.joined(separator: ", "))")
        }
        return APICommandRequest(action: action, reason: reason, commandID: fields.command_id)
    }

    private static func decode(_ body: [UInt8]) throws(APIRequestError) -> Body {
        guard body.contains(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else { return Body() }
        let data = Data(body)
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw APIRequestError("the body must be a JSON object")
        }
        let known: Set = ["reason", "command_id", "symbol", "confirm"]
        if let unknown = Set(object.keys).subtracting(known).sorted().first {
            throw APIRequestError("unknown field \"\(unknown)\"; known: \(known.sorted().joined(separator: ", "))")
        }
        if let null = object.filter({ $0.value is NSNull }).keys.sorted().first {
            throw APIRequestError("\(null) has the wrong type (\(typesExpected))")
        }
        do {
            return try JSONDecoder().decode(Body.self, from: data)
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            let field = context.codingPath.first?.stringValue ?? "a field"
            throw APIRequestError("\(field) has the wrong type (\(typesExpected))")
        } catch {
            throw APIRequestError("the body must be a JSON object")
        }
    }

    private static let typesExpected = "reason, command_id and symbol are text, confirm is true or false"

    static func isValidCommandID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || [0x2E, 0x5F, 0x3A, 0x2D].contains(byte)
            }
    }
}

/// Why an API request was refused (a 400 with this text).
public struct APIRequestError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
