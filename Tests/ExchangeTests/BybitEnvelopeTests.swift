import Core
import Exchange
import Foundation
import Testing

@Suite("Bybit envelope and errors")
struct BybitEnvelopeTests {
    func data(_ text: String) -> Data { Data(text.utf8) }

    @Test("a success envelope decodes its result and time", arguments: ["OK", "success", "SUCCESS", ""])
    func success(retMsg: String) throws {
        let reply = #"{"retCode":0,"retMsg":"\#(retMsg)","result":{},"retExtInfo":{},"time":1671017382656}"#
        let envelope = try BybitResponse.decode(BybitEmptyResult.self, from: data(reply))
        #expect(envelope.retMsg == retMsg)
        #expect(envelope.time == Timestamp(milliseconds: 1_671_017_382_656))
        try BybitResponse.check(data(reply))
    }

    @Test("non-zero retCodes map to typed errors", arguments: [
        (10001, "params error"), (10002, "invalid request, please check your server timestamp or recv_window param"),
        (10003, "API key is invalid."), (10004, "error sign! origin_string[...]"), (10005, "Permission denied"),
        (10006, "Too many visits!"), (10016, "Server error"), (110001, "Order does not exist"),
        (110007, "ab not enough for new order"), (110017, "Reduce-only rule not satisfied"),
        (110043, "Set leverage has not been modified"), (110072, "OrderLinkedID is duplicate"),
        (110094, "Order does not meet minimum order value"), (34040, "Not modified"),
    ])
    func errors(code: Int, message: String) throws {
        let reply = #"{"retCode":\#(code),"retMsg":"\#(message)","result":{},"retExtInfo":{},"time":1671017382656}"#
        #expect {
            try BybitResponse.check(data(reply))
        } throws: { error in
            guard let error = error as? BybitError else { return false }
            return error.retCode == code && error.retMsg == message && error == BybitError(retCode: code, retMsg: message)
        }
    }

    @Test("each known code has its own case")
    func cases() {
        #expect(BybitError(retCode: 10001, retMsg: "m") == .parameterError("m"))
        #expect(BybitError(retCode: 10002, retMsg: "m") == .timestampOutsideRecvWindow("m"))
        #expect(BybitError(retCode: 10003, retMsg: "m") == .invalidAPIKey("m"))
        #expect(BybitError(retCode: 10004, retMsg: "m") == .invalidSignature("m"))
        #expect(BybitError(retCode: 10005, retMsg: "m") == .permissionDenied("m"))
        #expect(BybitError(retCode: 10006, retMsg: "m") == .rateLimited("m"))
        #expect(BybitError(retCode: 10016, retMsg: "m") == .serverError("m"))
        #expect(BybitError(retCode: 110001, retMsg: "m") == .orderNotFound("m"))
        #expect(BybitError(retCode: 110007, retMsg: "m") == .insufficientBalance(code: 110007, message: "m"))
        #expect(BybitError(retCode: 110004, retMsg: "m") == .insufficientBalance(code: 110004, message: "m"))
        #expect(BybitError(retCode: 110017, retMsg: "m") == .reduceOnlyRuleNotSatisfied("m"))
        #expect(BybitError(retCode: 110043, retMsg: "m") == .leverageNotModified("m"))
        #expect(BybitError(retCode: 110072, retMsg: "m") == .duplicateOrderLinkID("m"))
        #expect(BybitError(retCode: 110094, retMsg: "m") == .orderBelowMinNotional("m"))
        #expect(BybitError(retCode: 99999, retMsg: "m") == .other(code: 99999, message: "m"))
    }

    @Test("110043 is leverage unchanged; nothing else is")
    func leverageUnchanged() {
        #expect(BybitError(retCode: 110043, retMsg: "Set leverage has not been modified").isLeverageUnchanged)
        #expect(!BybitError(retCode: 10001, retMsg: "").isLeverageUnchanged)
        #expect(BybitError(retCode: 110043, retMsg: "Set leverage has not been modified").description
            == "Bybit retCode 110043 (leverage not modified (already set)): Set leverage has not been modified")
    }

    @Test("malformed JSON is a decoding error with an excerpt")
    func malformed() {
        let page = "<html><head><title>403 Forbidden</title></head><body>" + String(repeating: "x", count: 400)
        #expect {
            try BybitResponse.check(data(page))
        } throws: { error in
            guard let error = error as? BybitDecodingError, case .malformedJSON = error.reason else { return false }
            return error.excerpt.hasPrefix("<html><head><title>403") && error.excerpt.count <= 200
                && error.description.contains("403 Forbidden")
        }
    }

    @Test("a JSON array at the top is malformed")
    func notAnObject() {
        #expect {
            try BybitResponse.check(data("[1,2]"))
        } throws: { error in
            guard let error = error as? BybitDecodingError, case .malformedJSON = error.reason else { return false }
            return error.excerpt == "[1,2]"
        }
    }

    @Test("missing retCode or result is a missing field")
    func missingFields() {
        #expect(throws: BybitDecodingError(.missingField, field: "retCode", excerpt: #"{"retMsg":"OK","result":{}}"#)) {
            try BybitResponse.check(data(#"{"retMsg":"OK","result":{}}"#))
        }
        #expect(throws: BybitDecodingError(.missingField, field: "result", excerpt: #"{"retCode":0,"retMsg":"OK","time":1}"#)) {
            try BybitResponse.check(data(#"{"retCode":0,"retMsg":"OK","time":1}"#))
        }
    }

    @Test("a non-zero retCode wins over an unusable result")
    func errorWithNullResult() {
        #expect(throws: BybitError.rateLimited("Too many visits!")) {
            _ = try BybitResponse.decode(BybitServerTime.self,
                                         from: data(#"{"retCode":10006,"retMsg":"Too many visits!","result":null,"time":1}"#))
        }
    }
}
