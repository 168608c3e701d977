import Core
import Notifier
import Testing

@Suite("API command requests")
struct APICommandRequestTests {
    static func parse(_ name: String, _ body: String) throws(APIRequestError) -> APICommandRequest {
        try APICommandRequest.parse(name: name, body: Array(body.utf8))
    }

    static func refusal(_ name: String, _ body: String) -> String? {
        do {
            _ = try parse(name, body)
            return nil
        } catch {
            return error.description
        }
    }

    @Test("each command with its fields; an empty body is no fields")
    func commands() throws {
        #expect(try Self.parse("pause", "").action == .pause)
        #expect(try Self.parse("resume", " \n").action == .resume)
        #expect(try Self.parse("reset-breaker", "{}").action == .resetBreaker(drawdown: true, dailyLoss: true))
        #expect(try Self.parse("flatten", #"{"confirm": true}"#).action == .flattenAll)
        let close = try Self.parse("close", #"{"symbol": "ethusdt", "reason": "news", "command_id": "desk-7:close_1"}"#)
        #expect(close.action == .closeSymbol(try Symbol("ETHUSDT")) && close.reason == "news" && close.commandID == "desk-7:close_1")
    }

    @Test("bad bodies are refused with the reason", arguments: [
        ("flatten", "", "flatten closes every position: send {\"confirm\": true} to do it"),
        ("flatten", #"{"confirm": false}"#, "flatten closes every position: send {\"confirm\": true} to do it"),
        ("flatten", #"{"confirm": "yes"}"#, "confirm has the wrong type (reason, command_id and symbol are text, confirm is true or false)"),
        ("close", "{}", "close needs a symbol, e.g. {\"symbol\": \"BTCUSDT\"}"),
        ("close", #"{"symbol": "BTC/USDT"}"#, "\"BTC/USDT\" is not a symbol"),
        ("close", #"{"symbol": 5}"#, "symbol has the wrong type (reason, command_id and symbol are text, confirm is true or false)"),
        ("pause", #"{"symbol": "BTCUSDT"}"#, "pause takes no symbol"),
        ("pause", #"{"confirm": true}"#, "pause takes no confirm"),
        ("pause", #"{"reasno": "typo"}"#, "unknown field \"reasno\"; known: command_id, confirm, reason, symbol"),
        ("pause", #"{"command_id": "has space"}"#, "command_id must be 1 to 64 letters, digits, '.', '_', ':' or '-'"),
        ("pause", #"{"command_id": ""}"#, "command_id must be 1 to 64 letters, digits, '.', '_', ':' or '-'"),
        ("pause", "[1, 2]", "the body must be a JSON object"),
        ("pause", "{\"reason\": ", "the body must be a JSON object"),
        ("pause", #"{"reason": "a\u0000b"}"#, "reason must not contain NUL characters"),
        ("pause", #"{"reason": null}"#, "reason has the wrong type (reason, command_id and symbol are text, confirm is true or false)"),
        ("shutdown", "", "unknown command shutdown; one of pause, resume, reset-breaker, flatten, close"),
    ])
    func refused(name: String, body: String, reason: String) {
        #expect(Self.refusal(name, body) == reason)
    }

    @Test("a reason is at most 200 characters")
    func reasonLength() {
        #expect(Self.refusal("pause", "{\"reason\": \"\(String(repeating: "a", count: 200))\"}") == nil)
        #expect(Self.refusal("pause", "{\"reason\": \"\(String(repeating: "a", count: 201))\"}") == "reason is longer than 200 characters")
    }
}
