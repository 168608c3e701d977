import Crypto

/// Deterministic ids derived from their cause, so that reprocessing a message yields the same
/// id and handlers can deduplicate on it (database unique keys, exchange client order ids).
///
/// Encoding (version 1, never change it; add a new version instead): SHA-256 over
/// `"keel.stable-id.v1"`, then the namespace, then the number of parts, then each part; every
/// string is written as its UTF-8 byte count (8 bytes, big-endian) followed by its bytes, and
/// the count as 8 bytes big-endian. Length prefixes make the encoding unambiguous:
/// `["ab", "c"]` and `["a", "bc"]` differ. Strings are hashed as given (no Unicode normalisation).
public enum StableID {
    /// Default id length in hex characters (128 bits).
    public static let defaultLength = 32
    /// Bybit's `orderLinkId` limit.
    public static let clientOrderIDMaxLength = 36
    /// Default prefix of client order ids, marking orders placed by Keel.
    public static let defaultClientOrderIDPrefix = "keel"

    /// The id for `parts` in `namespace`: lowercase hex of SHA-256, the first `length` characters
    /// (1...64; default 32 = 128 bits).
    public static func derive(namespace: String, parts: [String], length: Int = defaultLength) -> String {
        precondition((1...64).contains(length), "StableID length must be 1...64, got \(length)")
        return hexDigest(namespace: namespace, parts: parts, length: length)
    }

    /// An exchange client order id (Bybit `orderLinkId`): `"<prefix>-<hex>"`, exactly 36
    /// characters of [A-Za-z0-9_-]. The hex is `derive(namespace: "client-order-id", parts:)`
    /// truncated to fit (31 characters = 124 bits with the default prefix "keel").
    /// The prefix must be 1...12 characters of A–Z, a–z, 0–9 or "_"; throws `StableIDError`.
    public static func clientOrderID(parts: [String], prefix: String = defaultClientOrderIDPrefix) throws -> String {
        let count = prefix.unicodeScalars.count
        guard (1...12).contains(count), prefix.unicodeScalars.allSatisfy(isPrefixScalar) else {
            throw StableIDError.invalidPrefix(prefix)
        }
        let hexLength = clientOrderIDMaxLength - count - 1
        return prefix + "-" + derive(namespace: "client-order-id", parts: parts, length: hexLength)
    }

    /// Whether `id` satisfies Bybit's `orderLinkId` rules: 1...36 characters of [A-Za-z0-9_-].
    public static func isValidClientOrderID(_ id: String) -> Bool {
        let scalars = id.unicodeScalars
        return (1...clientOrderIDMaxLength).contains(scalars.count)
            && scalars.allSatisfy { isPrefixScalar($0) || $0 == "-" }
    }

    private static func isPrefixScalar(_ scalar: Unicode.Scalar) -> Bool {
        ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
    }

    /// The first `length` hex characters of the digest.
    private static func hexDigest(namespace: String, parts: [String], length: Int) -> String {
        // The whole message written into one buffer of its exact size (on the stack) and hashed in one call: ids
        // are derived per intent and per order, in backtests millions of times.
        let size = parts.reduce(3 * 8 + domain.utf8.count + namespace.utf8.count) { $0 + 8 + $1.utf8.count }
        let digest = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: size) { buffer in
            var writer = MessageWriter(buffer: buffer)
            writer.write(domain)
            writer.write(namespace)
            writer.write(UInt64(parts.count))
            for part in parts { writer.write(part) }
            var hasher = SHA256()
            hasher.update(bufferPointer: UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[..<writer.offset])))
            return hasher.finalize()
        }
        return digest.withUnsafeBytes { bytes in
            String(unsafeUninitializedCapacity: length) { hex in
                for index in 0..<length {
                    let byte = bytes[index / 2]
                    hex[index] = hexDigit(index % 2 == 0 ? byte >> 4 : byte & 0x0f)
                }
                return length
            }
        }
    }

    /// The encoding's version tag, the first string of every message.
    private static let domain = "keel.stable-id.v1"

    /// Writes the message's numbers (8 bytes, big-endian) and length-prefixed strings.
    private struct MessageWriter {
        let buffer: UnsafeMutableBufferPointer<UInt8>
        var offset = 0

        mutating func write(_ number: UInt64) {
            withUnsafeBytes(of: number.bigEndian) { bytes in
                for byte in bytes {
                    buffer[offset] = byte
                    offset += 1
                }
            }
        }

        mutating func write(_ text: String) {
            var text = text
            text.withUTF8 { utf8 in
                write(UInt64(utf8.count))
                _ = UnsafeMutableBufferPointer(rebasing: buffer[offset...]).initialize(fromContentsOf: utf8)
                offset += utf8.count
            }
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}

public enum StableIDError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidPrefix(String)

    public var description: String {
        switch self {
        case .invalidPrefix(let prefix):
            return "invalid client order id prefix \(String(reflecting: prefix)): use 1...12 characters of A-Z, a-z, 0-9 or _"
        }
    }
}
