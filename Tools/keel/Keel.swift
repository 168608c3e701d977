import ArgumentParser
import Config
import Foundation
import Logging

@main
struct Keel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keel",
        abstract: "Operator tool for Keel: migrations, topics, configuration checks, benchmarks and the exchange simulator.",
        subcommands: [
            MigrateCommand.self, TopicsCommand.self, ConfigCommand.self, StatusCommand.self, BenchCommand.self, SimCommand.self,
            IndicatorsCommand.self, BacktestCommand.self, OptimizeCommand.self, WalkForwardCommand.self,
        ])
}

/// `--config FILE`, shared by every subcommand; `KEEL_*` environment variables override it.
struct ConfigOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "YAML configuration file (default: $KEEL_CONFIG, else built-in defaults).")
    var config: String?

    /// The configuration, or exit status 2 with the field and the reason.
    func load() throws -> KeelConfig {
        do {
            return try KeelConfig.load(path: config, environment: ProcessInfo.processInfo.environment)
        } catch let error as ConfigError {
            FileHandle.standardError.write(Data("keel: \(error)\n".utf8))
            throw ExitCode(ConfigError.exitCode)
        }
    }
}

func cliLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = .warning
    return logger
}
