import Exchange
import Testing

@Suite("Venue")
struct VenueTests {
    @Test("parses names case-insensitively and refuses unknown ones")
    func parsing() throws {
        #expect(try Venue(parsing: "Bybit") == .bybit)
        #expect(try Venue(parsing: "simulator") == .simulator)
        #expect(throws: Venue.UnknownVenue.self) { try Venue(parsing: "binance") }
    }
}
