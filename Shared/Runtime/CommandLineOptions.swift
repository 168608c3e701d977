/// A service's command line: `--config PATH` and `--help`. Anything else is refused, like a
/// bad config value, with exit status 2.
struct CommandLineOptions: Equatable {
    var configPath: String?
    var showHelp = false

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    init(arguments: [String]) throws {
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--config", "-c":
                guard let path = remaining.popFirst() else { throw Invalid(description: "\(argument) needs a file path") }
                configPath = path
            case "--help", "-h":
                showHelp = true
            default:
                if argument.hasPrefix("--config=") {
                    configPath = String(argument.dropFirst("--config=".count))
                } else {
                    throw Invalid(description: "unknown argument \(argument)")
                }
            }
        }
    }

    static func usage(executable: String) -> String {
        """
        usage: \(executable) [--config FILE]

        Reads FILE (or $KEEL_CONFIG) as YAML; every field can be overridden by an environment
        variable KEEL_<SECTION>_<FIELD>, e.g. KEEL_KAFKA_BOOTSTRAP_SERVERS or KEEL_HTTP_PORT.
        Serves /healthz, /readyz and /metrics on http.host:http.port.
        An invalid configuration stops start-up with exit status 2.
        """
    }
}
