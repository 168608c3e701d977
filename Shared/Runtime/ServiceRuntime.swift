import Bus
import Config
import Core
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// Everything a Keel service executable does before and after its own work: read the command
/// line and configuration (exit 2 with the field and reason when invalid), set up logging and
/// metrics, serve `/healthz`, `/readyz` and `/metrics`, apply migrations, and shut down
/// cleanly on SIGTERM or SIGINT (stop taking work, finish what is in hand, commit, close).
public enum ServiceRuntime {
    /// Builds the service's own long-running parts from its dependencies.
    public typealias Workers = @Sendable (ServiceDependencies, Logger) async throws -> [any Service]
    /// Adds the service's own HTTP routes next to the health routes, on the same port.
    public typealias Routes = @Sendable (Router<BasicRequestContext>, ServiceDependencies) throws -> Void

    public static func main(
        service name: String,
        arguments: [String] = Array(CommandLine.arguments.dropFirst()),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        workers: Workers = { _, _ in [] },
        routes: Routes = { _, _ in }
    ) async -> Never {
        let executable = "keel-\(name)"
        let config: KeelConfig
        do {
            let options = try CommandLineOptions(arguments: arguments)
            if options.showHelp {
                print(CommandLineOptions.usage(executable: executable))
                exit(0)
            }
            config = try KeelConfig.load(path: options.configPath, environment: environment)
        } catch {
            StandardError.write("\(executable): \(error)\n")
            exit(ConfigError.exitCode)
        }

        let logger = bootstrapObservability(service: name, config: config)
        do {
            try await run(service: name, config: config, logger: logger, routes: routes, workers: workers)
            logger.info("stopped")
            exit(0)
        } catch let error as ConfigError {
            // A setting only the service's own parts check (its routes, its workers).
            logger.critical("stopped: invalid configuration", metadata: ["error": "\(error)"])
            exit(ConfigError.exitCode)
        } catch {
            logger.critical("stopped on error", metadata: ["error": "\(error)"])
            exit(1)
        }
    }

    static func bootstrapObservability(service: String, config: KeelConfig) -> Logger {
        let redactor = SecretRedactor(config.secrets.map(\.value))
        let level = Logger.Level(rawValue: config.logging.level.rawValue) ?? .info
        LoggingSystem.bootstrap { label in
            KeelLogHandler(label: label, level: level, format: config.logging.format, redactor: redactor)
        }
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metricsRegistry))
        var logger = Logger(label: "keel-\(service)")
        logger[metadataKey: "mode"] = "\(config.mode.rawValue)"
        return logger
    }

    /// One registry per process, shared by swift-metrics and `/metrics`.
    public static let metricsRegistry = PrometheusCollectorRegistry()

    static func run(service name: String, config: KeelConfig, logger: Logger, routes: Routes, workers: Workers) async throws {
        let dependencies = try ServiceDependencies(config: config, serviceName: name, logger: logger)
        let migrations = MigrationService(pool: dependencies.postgres, startup: config.startup, logger: logger)
        let probe = ReadinessProbe(checks: dependencies.readinessChecks() + [migrations.readinessCheck])
        let heartbeat = ServiceHeartbeat(
            instance: dependencies.instance, pool: dependencies.postgres, probe: probe, migrations: migrations,
            interval: .milliseconds(config.runtime.heartbeatIntervalMs), logger: logger)

        let router = Router()
        HealthRoutes.add(to: router, service: name, probe: probe, registry: metricsRegistry)
        try routes(router, dependencies)
        let http = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(config.http.host, port: config.http.port)),
            logger: logger)
        Gauge(label: "keel_service_up", dimensions: [("service", name)]).record(1)

        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                // Shut down in reverse order: the heartbeat goes on until the workers have stopped.
                services: [.init(service: http), .init(service: migrations), .init(service: heartbeat)]
                    + (try await workers(dependencies, logger)).map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        logger.info("starting", metadata: [
            "http": "\(config.http.host):\(config.http.port)", "librdkafka": "\(KafkaLibrary.version)", "instance": "\(dependencies.instance.id)",
        ])
        if !KafkaLibrary.isKnownGood {
            logger.warning("librdkafka \(KafkaLibrary.version) is older than 2.3 and may fail to talk to the broker; put a newer one first on LD_LIBRARY_PATH (deploy/local/setup provides one)")
        }
        do {
            try await group.run()
        } catch {
            await dependencies.close()
            throw error
        }
        await dependencies.close()
    }
}
