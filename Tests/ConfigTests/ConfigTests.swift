import Config
import Foundation
import Testing

@Suite("Typed configuration")
struct ConfigTests {
    private func load(_ yaml: String, _ environment: [String: String] = [:]) throws -> KeelConfig {
        try KeelConfig(reading: ConfigReader(ConfigSource.parse(yaml: yaml, environment: environment)))
    }

    private func failure(_ yaml: String, _ environment: [String: String] = [:]) -> ConfigError? {
        do {
            _ = try load(yaml, environment)
            return nil
        } catch {
            return error as? ConfigError
        }
    }

    @Test("defaults fit the local stack")
    func defaults() throws {
        let config = try load("")
        #expect(config.mode == .paper)
        #expect(config.kafka.bootstrapServers == "127.0.0.1:59092")
        #expect(config.postgres.port == 55432)
        #expect(config.redis.port == 56379)
        #expect(config.postgres.password == nil)
        // Paper mode against the simulator on its default port, with its public account.
        #expect(config.exchange.venue == .simulator && config.exchange.restURL == "http://127.0.0.1:9800")
        #expect(config.exchange.publicWebSocketURL == "ws://127.0.0.1:9800/v5/public/linear")
        #expect(config.exchange.apiKey == "keel-sim-key")
        #expect(config.markets.symbols.map(\.rawValue) == ["BTCUSDT"] && config.markets.timeframes == [.m1, .m15])
        // One plain MACD/RSI strategy on every symbol and the first market timeframe unless told otherwise.
        #expect(config.signals.warmUpBars == 300 && config.signals.strategies.count == 1)
        let strategy = config.signals.strategies[0]
        #expect(strategy.name == "macd_rsi" && strategy.timeframe == .m1 && strategy.symbols.map(\.rawValue) == ["BTCUSDT"])
        #expect(strategy.settings == StrategySettings() && strategy.timeframes == [.m1])
        #expect(config.notifier.telegram == nil, "Telegram is off unless enabled")
    }

    @Test("the shipped local configuration is valid: every field is one Keel reads")
    func shippedLocalConfiguration() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let yaml = try String(contentsOf: root.appendingPathComponent("deploy/local/keel.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "presets_dir: config/strategies", with: "presets_dir: \(root.path)/config/strategies")
        let config = try load(yaml)
        #expect(config.mode == .paper && config.notifier.telegram == nil && config.notifier.webhooks.isEmpty)
    }

    @Test("the API's tokens: secrets, long enough, different, and required by the notifier")
    func apiTokens() throws {
        let tokens = ["KEEL_NOTIFIER_API_READ_TOKEN": "r-0123456789abcdef", "KEEL_NOTIFIER_API_OPERATOR_TOKEN": "o-0123456789abcdef"]
        let config = try load("notifier: {api: {stream_interval_ms: 500}}", tokens)
        let required = try config.notifier.api.requiredTokens()
        #expect(required.read.value == "r-0123456789abcdef" && required.command.value == "o-0123456789abcdef")
        #expect(config.notifier.api.streamIntervalMs == 500 && config.notifier.api.maximumStreams == 32)
        #expect(config.secrets.contains(required.read) && config.secrets.contains(required.command), "the redactor knows them")
        #expect(throws: ConfigError.self) { try load("", [:]).notifier.api.requiredTokens() }
        let missing = try load("", ["KEEL_NOTIFIER_API_READ_TOKEN": "r-0123456789abcdef"])
        #expect(throws: ConfigError(field: "notifier.api.operator_token", reason: "required by the notifier (or operator_token_file, or KEEL_NOTIFIER_API_OPERATOR_TOKEN)")) {
            try missing.notifier.api.requiredTokens()
        }
        #expect(failure("", ["KEEL_NOTIFIER_API_READ_TOKEN": "short"]) == ConfigError(field: "notifier.api.read_token", reason: "must be at least 16 characters"))
        let same = ["KEEL_NOTIFIER_API_READ_TOKEN": "same-0123456789ab", "KEEL_NOTIFIER_API_OPERATOR_TOKEN": "same-0123456789ab"]
        #expect(failure("", same)?.field == "notifier.api.operator_token")
        #expect(failure("notifier: {api: {max_streams: 0}}")?.field == "notifier.api.max_streams")
    }

    @Test("Telegram: chats and the token (a secret the redactor knows)")
    func telegram() throws {
        let config = try load("notifier: {telegram: {enabled: true, operator_chats: [42, -100123], alert_chats: [42]}}", [
            "KEEL_NOTIFIER_TELEGRAM_BOT_TOKEN": "123:abc",
        ])
        let telegram = try #require(config.notifier.telegram)
        #expect(telegram.operatorChats == [42, -100_123] && telegram.alertChats == [42] && telegram.minimumSeverity == .warning)
        #expect(config.secrets.contains { $0.value == "123:abc" })
    }

    @Test("webhooks by name, each with its format and secret")
    func webhooks() throws {
        let config = try load("notifier: {webhooks: {ops: {url: https://hooks.example/x}, chat: {url: https://discord.example/y, format: discord}}}", [
            "KEEL_NOTIFIER_WEBHOOKS_OPS_SECRET": "hmac-key",
        ])
        #expect(config.notifier.webhooks.map(\.name) == ["chat", "ops"])
        #expect(config.notifier.webhooks.map(\.format) == [.discord, .json])
        #expect(config.notifier.webhooks[1].secret?.value == "hmac-key" && config.secrets.contains { $0.value == "hmac-key" })
    }

    @Test("heartbeats, reconnect storms, service watch and daily summary: defaults and file values")
    func healthAndSummary() throws {
        let defaults = try load("")
        #expect(defaults.runtime.heartbeatIntervalMs == 5000)
        #expect(defaults.runtime.reconnectStormMaxReconnects == 5 && defaults.runtime.reconnectStormWindowMs == 300_000)
        #expect(defaults.notifier.health.downAfterMs == 30_000 && defaults.notifier.health.checkIntervalMs == 5000)
        #expect(defaults.notifier.dailySummary.enabled && defaults.notifier.dailySummary.hourUTC == 0)
        let config = try load("""
            runtime: {heartbeat_interval_ms: 1000, reconnect_storm: {max_reconnects: 3, window_ms: 60000}}
            notifier: {health: {down_after_ms: 2000, check_interval_ms: 1000}, daily_summary: {enabled: false, hour_utc: 7}}
            """)
        #expect(config.runtime.heartbeatIntervalMs == 1000)
        #expect(config.runtime.reconnectStormMaxReconnects == 3 && config.runtime.reconnectStormWindowMs == 60_000)
        #expect(config.notifier.health.downAfterMs == 2000 && config.notifier.health.checkIntervalMs == 1000)
        #expect(!config.notifier.dailySummary.enabled && config.notifier.dailySummary.hourUTC == 7)
    }

    @Test("a disabled webhook is read and checked, and not used")
    func disabledWebhook() throws {
        let config = try load("notifier: {webhooks: {ops: {enabled: false, url: https://hooks.example/x}}}", [
            "KEEL_NOTIFIER_WEBHOOKS_OPS_SECRET": "hmac-key",
        ])
        #expect(config.notifier.webhooks.isEmpty)
        #expect(failure("notifier: {webhooks: {ops: {enabled: maybe, url: https://x}}}")?.field == "notifier.webhooks.ops.enabled")
        #expect(failure("notifier: {webhooks: {ops: {enabled: false, url: ftp://x}}}")?.field == "notifier.webhooks.ops.url")
    }

    @Test("the exchange section refuses what cannot trade", arguments: [
        ("mode: live", "exchange.venue"),
        ("exchange: {venue: bybit}", "exchange.api_key"),
        ("exchange: {venue: bybit, api_key: K}", "exchange.api_secret"),
        ("exchange: {rest_url: ftp://x}", "exchange.rest_url"),
        ("exchange: {public_ws_url: http://x}", "exchange.public_ws_url"),
        ("markets: {symbols: [btc usdt]}", "markets.symbols"),
        ("markets: {timeframes: [7m]}", "markets.timeframes"),
        ("markets: {symbols: []}", "markets.symbols"),
        ("signals: {strategies: {a: {timeframe: 4h}}}", "signals.strategies.a.timeframe"),
        ("signals: {strategies: {a: {timeframe: 2x}}}", "signals.strategies.a.timeframe"),
        ("signals: {warmup_bars: 10}", "signals.warmup_bars"),
        ("notifier: {telegram: {enabled: true}}", "notifier.telegram.bot_token"),
        ("notifier: {telegram: {enabled: true, bot_token: T, operator_chats: [alice]}}", "notifier.telegram.operator_chats"),
        ("notifier: {telegram: {enabled: true, bot_token: T, min_severity: loud}}", "notifier.telegram.min_severity"),
        ("execution: {orphan_orders: ignore}", "execution.orphan_orders"),
        ("notifier: {webhooks: {ops: {format: json}}}", "notifier.webhooks.ops.url"),
        ("notifier: {webhooks: {ops: {url: ftp://x}}}", "notifier.webhooks.ops.url"),
        ("notifier: {webhooks: {ops: {url: https://x, format: teams}}}", "notifier.webhooks.ops.format"),
        ("execution: {entry: {on_timeout: wait}}", "execution.entry.on_timeout"),
        ("runtime: {heartbeat_interval_ms: 100}", "runtime.heartbeat_interval_ms"),
        ("runtime: {reconnect_storm: {max_reconnects: 0}}", "runtime.reconnect_storm.max_reconnects"),
        ("runtime: {reconnect_storm: {window_ms: 500}}", "runtime.reconnect_storm.window_ms"),
        ("notifier: {health: {down_after_ms: 9000}}", "notifier.health.down_after_ms"),  // under twice the 5 s heartbeat
        ("notifier: {health: {check_interval_ms: 10}}", "notifier.health.check_interval_ms"),
        ("notifier: {daily_summary: {hour_utc: 24}}", "notifier.daily_summary.hour_utc"),
    ])
    func exchangeErrors(yaml: String, field: String) {
        #expect(failure(yaml)?.field == field)
    }

    @Test("file values are read into their sections")
    func fileValues() throws {
        let config = try load("""
            mode: live
            http: {port: 9200}
            kafka:
              bootstrap_servers: broker-1:9092,broker-2:9092
              session_timeout_ms: 45000
              properties:
                security.protocol: SASL_SSL
            postgres: {host: db, pool_size: 12}
            exchange: {venue: bybit, api_key: K}
            markets: {symbols: [BTCUSDT, ETHUSDT], timeframes: [15m, 1h, 4h], history_days: 30}
            signals: {warmup_bars: 500, strategies: {hourly: {timeframe: 1h}}}
            """, ["KEEL_EXCHANGE_API_SECRET": "s3cret"])
        #expect(config.mode == .live)
        #expect(config.exchange.venue == .bybit && config.exchange.restURL == "https://api.bybit.com")
        #expect(config.exchange.privateWebSocketURL == "wss://stream.bybit.com/v5/private")
        #expect(config.exchange.apiKey == "K" && config.exchange.apiSecret.value == "s3cret")
        #expect(config.markets.symbols.map(\.rawValue) == ["BTCUSDT", "ETHUSDT"])
        #expect(config.markets.timeframes == [.m15, .h1, .h4] && config.markets.historyDays == 30)
        #expect(config.signals.strategies.map(\.timeframe) == [.h1] && config.signals.warmUpBars == 500)
        #expect(config.http.port == 9200)
        #expect(config.kafka.bootstrapServers == "broker-1:9092,broker-2:9092")
        #expect(config.kafka.sessionTimeoutMs == 45000)
        #expect(config.kafka.extraProperties == ["security.protocol": "SASL_SSL"])
        #expect(config.postgres.host == "db")
        #expect(config.postgres.poolSize == 12)
    }

    @Test("environment variables override the file")
    func environmentOverrides() throws {
        let config = try load("http: {port: 9200}\nredis: {port: 7000}\n", ["KEEL_HTTP_PORT": "9300", "KEEL_REDIS_DATABASE": "3"])
        #expect(config.http.port == 9300)
        #expect(config.redis.port == 7000)
        #expect(config.redis.database == 3)
        #expect(ConfigSource.environmentName(for: "kafka.bootstrap_servers") == "KEEL_KAFKA_BOOTSTRAP_SERVERS")
    }

    @Test("invalid values name their field and reason", arguments: [
        ("http: {port: 0}", [:], "http.port", "between 1 and 65535"),
        ("kafka: {session_timeout_ms: soon}", [:], "kafka.session_timeout_ms", "whole number"),
        ("mode: yolo", [:], "mode", "paper, live"),
        ("", ["KEEL_LOGGING_FORMAT": "xml"], "logging.format", "text, json"),
        ("kafka: {bootstrap_servers: ''}", [:], "kafka.bootstrap_servers", "empty"),
        ("kafka: {session_timeout_ms: 2000, heartbeat_interval_ms: 2000}", [:], "kafka.heartbeat_interval_ms", "below"),
        ("kafka: {bootstrap_servrs: x}", [:], "kafka.bootstrap_servrs", "unknown field"),
        ("redis: [1, 2]", [:], "redis", "unknown field"),
    ] as [(String, [String: String], String, String)])
    func invalid(yaml: String, environment: [String: String], field: String, reason: String) throws {
        let error = try #require(failure(yaml, environment))
        #expect(error.field == field)
        #expect(error.reason.contains(reason), "\(error)")
        #expect(ConfigError.exitCode == 2)
    }

    @Test("malformed YAML is a configuration error")
    func malformedYAML() {
        #expect(throws: ConfigError.self) { try ConfigSource.parse(yaml: "kafka: [unclosed", environment: [:]) }
        #expect(throws: ConfigError.self) { try ConfigSource.parse(yaml: "- just\n- a list\n", environment: [:]) }
    }

    @Test("secrets come from a value or a file, and never appear in descriptions")
    func secrets() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("keel-secret-\(UUID().uuidString)")
        try "s3cret-from-file\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }

        let fromFile = try load("postgres: {password_file: \(file.path)}")
        #expect(fromFile.postgres.password?.value == "s3cret-from-file")
        let fromEnvironment = try load("", ["KEEL_REDIS_PASSWORD": "hunter2"])
        #expect(fromEnvironment.redis.password?.value == "hunter2")
        #expect(!"\(fromEnvironment)".contains("hunter2"))
        #expect(!String(reflecting: fromEnvironment).contains("hunter2"))

        let both = try #require(failure("postgres: {password: a, password_file: \(file.path)}"))
        #expect(both.field == "postgres.password")
        let missing = try #require(failure("postgres: {password_file: /nonexistent/secret}"))
        #expect(missing.field == "postgres.password_file")
        #expect(!missing.description.contains("s3cret"))
    }

    @Test("lists come from YAML sequences or comma-separated environment values")
    func lists() throws {
        let reader = ConfigReader(try ConfigSource.parse(yaml: "symbols: [BTCUSDT, ETHUSDT]", environment: ["KEEL_VENUES": "bybit, simulator"]))
        #expect(try reader.list("symbols", default: []) == ["BTCUSDT", "ETHUSDT"])
        #expect(try reader.list("venues", default: []) == ["bybit", "simulator"])
        #expect(try reader.list("absent", default: ["x"]) == ["x"])
    }
}
