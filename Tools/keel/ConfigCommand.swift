import ArgumentParser

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Check a configuration: exit 0 when valid, 2 with the field and reason when not.")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let config = try options.load()
        print("configuration is valid (mode \(config.mode.rawValue), kafka \(config.kafka.bootstrapServers), postgres \(config.postgres.host):\(config.postgres.port), redis \(config.redis.host):\(config.redis.port), exchange \(config.exchange.venue.rawValue) \(config.exchange.restURL), markets \(config.markets.symbols.map(\.rawValue).joined(separator: ",")) \(config.markets.timeframes.map(\.label).joined(separator: ",")))")
    }
}
