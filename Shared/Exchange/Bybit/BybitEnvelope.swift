import Core
import Foundation

/// A successful Bybit V5 reply: `{"retCode":0,"retMsg":"OK","result":{…},"retExtInfo":{},"time":…}`.
/// `retMsg` may be "OK", "success", "SUCCESS" or "": only `retCode == 0` decides success.
public struct BybitEnvelope<Result: Sendable>: Sendable {
    public let retMsg: String
    public let result: Result
    /// Server time of the reply, when present.
    public let time: Timestamp?

    public init(retMsg: String, result: Result, time: Timestamp?) {
        self.retMsg = retMsg
        self.result = result
        self.time = time
    }
}

/// `result: {}` of endpoints that return nothing (set-leverage, trading-stop).
public struct BybitEmptyResult: Sendable, Hashable, Decodable {
    public init() {}
    public init(from decoder: any Decoder) throws {
        _ = try decoder.container(keyedBy: IndexKey.self)
    }
}

public enum BybitResponse {
    /// Decodes a reply. A non-zero `retCode` throws `BybitError`; anything malformed throws
    /// `BybitDecodingError` with an excerpt of `data`.
    public static func decode<Result: Decodable & Sendable>(
        _ type: Result.Type, from data: Data
    ) throws -> BybitEnvelope<Result> {
        try withPayloadExcerpt(data) {
            let decoder = JSONDecoder()
            let header = try decoder.decode(Header.self, from: data)
            if header.retCode != 0 {
                throw BybitError(retCode: header.retCode, retMsg: header.retMsg)
            }
            let body = try decoder.decode(Body<Result>.self, from: data)
            return BybitEnvelope(retMsg: header.retMsg, result: body.result, time: header.time)
        }
    }

    /// Decodes a reply and converts its result with `transform` (which may need context the
    /// payload lacks, e.g. a candle's timeframe); failures of either carry the excerpt.
    public static func decode<Raw: Decodable & Sendable, Output: Sendable>(
        _ type: Raw.Type, from data: Data, transform: (Raw) throws -> Output
    ) throws -> BybitEnvelope<Output> {
        let raw = try decode(type, from: data)
        return try withPayloadExcerpt(data) {
            BybitEnvelope(retMsg: raw.retMsg, result: try transform(raw.result), time: raw.time)
        }
    }

    /// Checks only the envelope: returns normally on `retCode == 0`, else throws `BybitError`.
    /// For set-leverage, catch `BybitError` and treat `isLeverageUnchanged` as success.
    public static func check(_ data: Data) throws {
        _ = try decode(BybitEmptyResult.self, from: data)
    }

    struct Header: Decodable {
        let retCode: Int
        let retMsg: String
        let time: Timestamp?

        enum CodingKeys: String, CodingKey { case retCode, retMsg, time }

        init(from decoder: any Decoder) throws {
            let container: KeyedDecodingContainer<CodingKeys>
            do {
                container = try decoder.container(keyedBy: CodingKeys.self)
            } catch {
                throw BybitDecodingError(.malformedJSON("the reply is not a JSON object"), field: "")
            }
            let code = try container.bybitInteger(.retCode)
            guard let retCode = Int(exactly: code) else {
                throw BybitDecodingError(.invalidNumber(String(code)), field: "retCode")
            }
            self.retCode = retCode
            // retMsg is informational; an absent one is tolerated as "".
            if container.contains(.retMsg) {
                retMsg = try container.bybitString(.retMsg)
            } else {
                retMsg = ""
            }
            time = container.contains(.time) ? Timestamp(milliseconds: try container.bybitInteger(.time)) : nil
        }
    }

    struct Body<Result: Decodable>: Decodable {
        let result: Result

        enum CodingKeys: String, CodingKey { case result }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            guard container.contains(.result), try !container.decodeNil(forKey: .result) else {
                throw BybitDecodingError(.missingField, field: "result")
            }
            result = try container.decode(Result.self, forKey: .result)
        }
    }
}
