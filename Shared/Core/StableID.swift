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
        derive(namespace: namespace, partCount: parts.count, partBytes: parts.reduce(0) { $0 + $1.utf8.count }, length: length) { message in
            for part in parts { message.write(part) }
        }
    }

    /// `derive(namespace:parts:length:)` of the `partCount` parts `writeParts` writes (at most
    /// `partBytes` bytes of text in all), without making each part a string first.
    static func derive(
        namespace: String, partCount: Int, partBytes: Int, length: Int = defaultLength, _ writeParts: (inout MessageWriter) -> Void
    ) -> String {
        precondition((1...64).contains(length), "StableID length must be 1...64, got \(length)")
        // The whole message written into one buffer (on the stack) and hashed in one call: ids
        // are derived per intent and per order, in backtests millions of times.
        let capacity = (3 + partCount) * 8 + domain.utf8.count + namespace.utf8.count + partBytes
        let digest = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            var message = MessageWriter(buffer: buffer)
            message.write(domain)
            message.write(namespace)
            message.write(UInt64(partCount))
            writeParts(&message)
            precondition(message.parts == partCount + 2, "\(message.parts - 2) parts written, \(partCount) announced")
            var hasher = SHA256()
            hasher.update(bufferPointer: UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[..<message.offset])))
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

    /// The encoding's version tag, the first string of every message.
    private static let domain = "keel.stable-id.v1"

    /// Writes the message's numbers (8 bytes, big-endian) and length-prefixed strings.
    struct MessageWriter {
        private let buffer: UnsafeMutableBufferPointer<UInt8>
        private(set) var offset = 0
        /// Strings written so far.
        private(set) var parts = 0

        fileprivate init(buffer: UnsafeMutableBufferPointer<UInt8>) { self.buffer = buffer }

        fileprivate mutating func write(_ number: UInt64) {
            withUnsafeBytes(of: number.bigEndian) { append($0.assumingMemoryBound(to: UInt8.self)) }
        }

        mutating func write(_ text: String) {
            var text = text
            text.withUTF8 { writePart($0) }
        }

        /// `number` as one part, spelt as `String(number)` spells it.
        mutating func write(decimal number: Int64) {
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { room in
                var start = room.count
                var rest = number.magnitude
                repeat {
                    start -= 1
                    room[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                } while rest > 0
                if number < 0 {
                    start -= 1
                    room[start] = UInt8(ascii: "-")
                }
                writePart(UnsafeBufferPointer(rebasing: room[start...]))
            }
        }

        private mutating func writePart(_ bytes: UnsafeBufferPointer<UInt8>) {
            write(UInt64(bytes.count))
            append(bytes)
            parts += 1
        }

        private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
            precondition(offset + bytes.count <= buffer.count, "the message outgrew its buffer")
            _ = UnsafeMutableBufferPointer(rebasing: buffer[offset...]).initialize(fromContentsOf: bytes)
            offset += bytes.count
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
