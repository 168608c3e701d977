import Core
import Exchange
import Testing

@Suite("Bybit signer")
struct BybitSignerTests {
    let signer = BybitSigner(credentials: BybitCredentials(apiKey: "XXXXXXXXXX", secret: Secret("test_secret")))
    let keys = ["XXXXXXXXXX": Secret("test_secret")]

    @Test("GET vector: signs timestamp + key + recvWindow + query string")
    func getVector() {
        #expect(signer.signature(timestamp: 1_658_384_314_791, payload: "category=option&symbol=BTC-29JUL22-25000-C")
            == "2c42d015234a3fc985e5294b2665235b3f51cf59dfbbde6be0097d0bc33256bf")
    }

    @Test("POST vector: signs the exact body bytes")
    func postVector() {
        let body = Array(#"{"category": "option"}"#.utf8)
        #expect(signer.signature(timestamp: 1_658_385_579_423, payload: body)
            == "7fdd84061f25faa9566fa013c0dd25adcb78a0ab90cbb992c0f12427d82f7221")
        // Compact JSON is different bytes, hence a different signature.
        #expect(signer.signature(timestamp: 1_658_385_579_423, payload: #"{"category":"option"}"#)
            != "7fdd84061f25faa9566fa013c0dd25adcb78a0ab90cbb992c0f12427d82f7221")
    }

    @Test("WebSocket vector: signs GET/realtime + expires")
    func webSocketVector() {
        #expect(signer.webSocketSignature(expires: 1_662_350_400_000)
            == "dad2d67a66c9ee401d2e6e7bf26ebd10eb1026db8a703bf3139c6950ce11a5c6")
        #expect(signer.webSocketAuthMessage(expires: 1_662_350_400_000)
            == #"{"op":"auth","args":["XXXXXXXXXX",1662350400000,"dad2d67a66c9ee401d2e6e7bf26ebd10eb1026db8a703bf3139c6950ce11a5c6"]}"#)
    }

    @Test("headers carry key, timestamp, signature and recv window")
    func headers() {
        let headers = signer.headers(timestamp: Timestamp(milliseconds: 1_658_384_314_791),
                                     payload: "category=option&symbol=BTC-29JUL22-25000-C")
        let fields = Dictionary(uniqueKeysWithValues: headers.fields.map { ($0.name, $0.value) })
        #expect(fields == [
            "X-BAPI-API-KEY": "XXXXXXXXXX",
            "X-BAPI-TIMESTAMP": "1658384314791",
            "X-BAPI-SIGN": "2c42d015234a3fc985e5294b2665235b3f51cf59dfbbde6be0097d0bc33256bf",
            "X-BAPI-RECV-WINDOW": "5000",
        ])
    }

    @Test("credentials never print the secret")
    func redaction() {
        let text = "\(signer.credentials) \(String(reflecting: signer.credentials))"
        #expect(!text.contains("test_secret"))
    }

    func verify(_ headers: BybitAuthHeaders, payload: String, serverTime: Int64, lagAllowance: Int64 = 0,
                overriding override: [String: String] = [:]) throws(BybitAuthError) -> String {
        var fields = Dictionary(uniqueKeysWithValues: headers.fields.map { ($0.name.lowercased(), $0.value) })
        for (name, value) in override { fields[name.lowercased()] = value }
        return try BybitSignatureVerifier.verify(
            header: { fields[$0.lowercased()] }, payload: Array(payload.utf8),
            serverTime: serverTime, lagAllowance: lagAllowance, secret: { keys[$0] })
    }

    @Test("verify accepts what the signer produced, on raw bytes")
    func roundTrip() throws {
        let body = #"{"category": "linear", "symbol": "BTCUSDT"}"#
        let headers = signer.headers(timestamp: Timestamp(milliseconds: 1_700_000_000_000), payload: body)
        #expect(try verify(headers, payload: body, serverTime: 1_700_000_000_500) == "XXXXXXXXXX")
    }

    @Test("verify rejects a changed payload or signature with 10004")
    func badSignature() {
        let body = #"{"category": "linear"}"#
        let headers = signer.headers(timestamp: Timestamp(milliseconds: 1_700_000_000_000), payload: body)
        #expect {
            _ = try verify(headers, payload: #"{"category":"linear"}"#, serverTime: 1_700_000_000_000)
        } throws: { error in
            guard let error = error as? BybitAuthError, case .badSignature(let origin) = error else { return false }
            return error.retCode == 10004 && origin == #"1700000000000XXXXXXXXXX5000{"category":"linear"}"#
                && error.retMsg.hasPrefix("error sign! origin_string[")
        }
        #expect(throws: BybitAuthError.badSignature(origin: #"1700000000000XXXXXXXXXX5000{"category": "linear"}"#)) {
            _ = try verify(headers, payload: body, serverTime: 1_700_000_000_000,
                           overriding: ["X-BAPI-SIGN": String(repeating: "0", count: 64)])
        }
    }

    @Test("verify applies server - recvWindow <= timestamp < server + 1000 (10002)")
    func timestampWindow() throws {
        let t: Int64 = 1_700_000_000_000
        let headers = signer.headers(timestamp: Timestamp(milliseconds: t), payload: "")
        // Oldest accepted: server = t + 5000; newest accepted: server = t - 999.
        #expect(try verify(headers, payload: "", serverTime: t + 5000) == "XXXXXXXXXX")
        #expect(try verify(headers, payload: "", serverTime: t - 999) == "XXXXXXXXXX")
        #expect(throws: BybitAuthError.timestampOutsideWindow(requestTime: t, serverTime: t + 5001, recvWindow: 5000)) {
            _ = try verify(headers, payload: "", serverTime: t + 5001)
        }
        #expect(throws: BybitAuthError.timestampOutsideWindow(requestTime: t, serverTime: t - 1000, recvWindow: 5000)) {
            _ = try verify(headers, payload: "", serverTime: t - 1000)
        }
        let error = BybitAuthError.timestampOutsideWindow(requestTime: t, serverTime: t - 1000, recvWindow: 5000)
        #expect(error.retCode == 10002)
        // A fast simulator lets a client's clock lag by as much as it ran ahead; never lead.
        #expect(try verify(headers, payload: "", serverTime: t + 65_000, lagAllowance: 60_000) == "XXXXXXXXXX")
        #expect(throws: BybitAuthError.timestampOutsideWindow(requestTime: t, serverTime: t + 65_001, recvWindow: 5000)) {
            _ = try verify(headers, payload: "", serverTime: t + 65_001, lagAllowance: 60_000)
        }
        #expect(throws: BybitAuthError.timestampOutsideWindow(requestTime: t, serverTime: t - 1000, recvWindow: 5000)) {
            _ = try verify(headers, payload: "", serverTime: t - 1000, lagAllowance: 60_000)
        }
        #expect(error.retMsg.contains("req_timestamp[1700000000000],server_timestamp[1699999999000],recv_window[5000]"))
    }

    @Test("a window violation is reported before a bad signature")
    func windowBeforeSignature() {
        let headers = signer.headers(timestamp: Timestamp(milliseconds: 1_000), payload: "a=1")
        #expect(throws: BybitAuthError.timestampOutsideWindow(requestTime: 1_000, serverTime: 100_000, recvWindow: 5000)) {
            _ = try verify(headers, payload: "a=2", serverTime: 100_000)
        }
    }

    @Test("unknown or missing key is 10003; missing or malformed headers are 10001")
    func keyAndHeaders() {
        let headers = signer.headers(timestamp: Timestamp(milliseconds: 1_000), payload: "")
        #expect(throws: BybitAuthError.invalidAPIKey("other")) {
            _ = try verify(headers, payload: "", serverTime: 1_000, overriding: ["X-BAPI-API-KEY": "other"])
        }
        #expect(throws: BybitAuthError.missingAPIKey) {
            _ = try verify(headers, payload: "", serverTime: 1_000, overriding: ["X-BAPI-API-KEY": ""])
        }
        #expect(throws: BybitAuthError.malformedHeader(name: "X-BAPI-TIMESTAMP", value: "soon")) {
            _ = try verify(headers, payload: "", serverTime: 1_000, overriding: ["X-BAPI-TIMESTAMP": "soon"])
        }
        #expect(BybitAuthError.invalidAPIKey("other").retCode == 10003)
        #expect(BybitAuthError.missingHeader("X-BAPI-SIGN").retCode == 10001)
    }

    @Test("verify uses the recv window the request sent")
    func customRecvWindow() throws {
        let wide = BybitSigner(credentials: signer.credentials, recvWindow: 20_000)
        let headers = wide.headers(timestamp: Timestamp(milliseconds: 1_000_000), payload: "x=1")
        #expect(try verify(headers, payload: "x=1", serverTime: 1_015_000) == "XXXXXXXXXX")
    }

    @Test("WebSocket auth verification")
    func webSocketAuth() throws {
        let expires: Int64 = 1_662_350_400_000
        let signature = signer.webSocketSignature(expires: expires)
        try BybitSignatureVerifier.verifyWebSocketAuth(
            apiKey: "XXXXXXXXXX", expires: expires, signature: signature, serverTime: expires - 1000, secret: { keys[$0] })
        #expect(throws: BybitAuthError.badSignature(origin: "GET/realtime1662350400001")) {
            try BybitSignatureVerifier.verifyWebSocketAuth(
                apiKey: "XXXXXXXXXX", expires: expires + 1, signature: signature, serverTime: expires - 1000,
                secret: { keys[$0] })
        }
        #expect(throws: BybitAuthError.timestampOutsideWindow(requestTime: expires, serverTime: expires, recvWindow: 0)) {
            try BybitSignatureVerifier.verifyWebSocketAuth(
                apiKey: "XXXXXXXXXX", expires: expires, signature: signature, serverTime: expires, secret: { keys[$0] })
        }
    }
}
