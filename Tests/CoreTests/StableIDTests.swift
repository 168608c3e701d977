import Testing
import Core

@Suite("Stable ids")
struct StableIDTests {
    let parts = ["macd_rsi", "BTCUSDT", "5m", "1700000000000"]

    @Test func matchesTheDocumentedEncoding() throws {
        // Golden values computed independently (Python hashlib) from the documented encoding;
        // if this fails, ids changed across versions and deduplication would break.
        #expect(StableID.derive(namespace: "intent", parts: parts) == "df9f2dae3805b9bf96f4cbf059d666d8")
        #expect(StableID.derive(namespace: "intent", parts: parts, length: 64)
            == "df9f2dae3805b9bf96f4cbf059d666d8fc4faa7ffe8428616ccbb51fa8a246ee")
        #expect(StableID.derive(namespace: "x", parts: [], length: 8) == "ea99f76b")
        #expect(try StableID.clientOrderID(parts: ["abc", "1"]) == "keel-b051c85d0f17ecac41cbac203fb2c6a")
    }

    @Test func sameInputsSameID() {
        let first = StableID.derive(namespace: "intent", parts: parts)
        let second = StableID.derive(namespace: "intent", parts: Array(parts))
        #expect(first == second)
        #expect(first.count == StableID.defaultLength)
        #expect(first.allSatisfy { "0123456789abcdef".contains($0) })
    }

    @Test func everyPartMatters() {
        let base = StableID.derive(namespace: "intent", parts: parts)
        for index in parts.indices {
            var changed = parts
            changed[index] += "x"
            #expect(StableID.derive(namespace: "intent", parts: changed) != base, "part \(index)")
        }
        #expect(StableID.derive(namespace: "order", parts: parts) != base)
        #expect(StableID.derive(namespace: "intent", parts: parts + [""]) != base)
        #expect(StableID.derive(namespace: "intent", parts: Array(parts.reversed())) != base)
    }

    @Test func encodingIsUnambiguous() {
        #expect(StableID.derive(namespace: "n", parts: ["ab", "c"]) != StableID.derive(namespace: "n", parts: ["a", "bc"]))
        #expect(StableID.derive(namespace: "n", parts: []) != StableID.derive(namespace: "n", parts: [""]))
        #expect(StableID.derive(namespace: "n", parts: ["", ""]) != StableID.derive(namespace: "n", parts: [""]))
        #expect(StableID.derive(namespace: "na", parts: ["b"]) != StableID.derive(namespace: "n", parts: ["ab"]))
        #expect(StableID.derive(namespace: "", parts: ["n"]) != StableID.derive(namespace: "n", parts: []))
    }

    @Test(arguments: [1, 8, 16, 32, 64])
    func lengthIsAPrefix(length: Int) {
        let full = StableID.derive(namespace: "intent", parts: parts, length: 64)
        let short = StableID.derive(namespace: "intent", parts: parts, length: length)
        #expect(short.count == length)
        #expect(full.hasPrefix(short))
    }

    @Test func clientOrderIDFitsBybitRules() throws {
        let id = try StableID.clientOrderID(parts: ["intent-id", "entry", "1"])
        #expect(id.count == 36)
        #expect(id.hasPrefix("keel-"))
        #expect(StableID.isValidClientOrderID(id))
        #expect(id == (try StableID.clientOrderID(parts: ["intent-id", "entry", "1"])))
        #expect(id != (try StableID.clientOrderID(parts: ["intent-id", "entry", "2"])))
        #expect(id != (try StableID.clientOrderID(parts: ["intent-id", "entry", "1"], prefix: "bt")))

        let custom = try StableID.clientOrderID(parts: ["x"], prefix: "Bt_2")
        #expect(custom.count == 36 && custom.hasPrefix("Bt_2-") && StableID.isValidClientOrderID(custom))
        let longest = try StableID.clientOrderID(parts: ["x"], prefix: "abcdefghijkl")
        #expect(longest.count == 36 && StableID.isValidClientOrderID(longest))
        // Unicode parts are hashed, never copied into the id.
        #expect(StableID.isValidClientOrderID(try StableID.clientOrderID(parts: ["ünï cødé/😀"])))
    }

    @Test(arguments: ["", "has-dash", "abcdefghijklm", "sp ace", "é", "a.b"])
    func invalidPrefixesAreRefused(prefix: String) {
        #expect(throws: StableIDError.invalidPrefix(prefix)) { try StableID.clientOrderID(parts: ["x"], prefix: prefix) }
    }

    @Test func clientOrderIDValidation() {
        #expect(StableID.isValidClientOrderID("a"))
        #expect(StableID.isValidClientOrderID("A-b_9"))
        #expect(StableID.isValidClientOrderID(String(repeating: "a", count: 36)))
        #expect(!StableID.isValidClientOrderID(String(repeating: "a", count: 37)))
        #expect(!StableID.isValidClientOrderID(""))
        #expect(!StableID.isValidClientOrderID("a.b"))
        #expect(!StableID.isValidClientOrderID("a b"))
        #expect(!StableID.isValidClientOrderID("é"))
    }
}
