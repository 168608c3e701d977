/// The trading venues Keel speaks to. The simulator serves Bybit's wire format on loopback.
public enum Venue: String, CaseIterable, Sendable, Codable {
    case bybit
    case hyperliquid
    case simulator

    public init(parsing text: String) throws {
        guard let venue = Venue(rawValue: text.lowercased()) else { throw UnknownVenue(text: text) }
        self = venue
    }

    public struct UnknownVenue: Error, CustomStringConvertible {
        public var text: String
        public var description: String {
            "unknown venue \"\(text)\" (expected one of \(Venue.allCases.map(\.rawValue).joined(separator: ", ")))"
        }
    }
}
