import Config
import Core
import Exchange
import ExchangeSimulator
import Testing

@Suite("Bybit venue from configuration")
struct BybitVenueTests {
    @Test func theDefaultPaperConfigurationTalksToTheSimulator() async throws {
        try await withRunningSimulator { _, port in
            let root = "127.0.0.1:\(port)"
            let config = try KeelConfig(reading: ConfigReader(ConfigSource.parse(yaml: """
                exchange:
                  rest_url: http://\(root)
                  public_ws_url: ws://\(root)/v5/public/linear
                  private_ws_url: ws://\(root)/v5/private
                """, environment: [:])))
            let venue = BybitVenue(config.exchange)
            #expect(try await venue.rest.apiKeyInfo().canTradeLinear)

            let stream = venue.privateStream(logger: streamTestLogger)
            let (recorder, task) = recording(stream.messages, run: stream.run)
            defer { task.cancel() }
            #expect(await recorder.waitUntil { if case .authenticated = $0 { true } else { false } } != nil)
        }
    }
}
