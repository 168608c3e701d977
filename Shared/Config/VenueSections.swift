import Core

public enum VenueKind: String, CaseIterable, Sendable {
    /// Keel's exchange simulator (`keel sim`): paper trading, no keys of the user's.
    case simulator
    /// Bybit V5 (mainnet, testnet or demo, by URL).
    case bybit
}

/// Where the exchange is and how to sign in. The simulator's account is public
/// (`keel-sim-key` / `keel-sim-secret`), so it is the default; Bybit keys come from the
/// environment or a secret file, never from a committed file.
public struct ExchangeConfig: Sendable, Equatable {
    public var venue: VenueKind
    public var restURL: String
    public var publicWebSocketURL: String
    public var privateWebSocketURL: String
    public var apiKey: String
    public var apiSecret: Secret
    public var recvWindowMs: Int
}

/// What Keel trades and watches.
public struct MarketsConfig: Sendable, Equatable {
    public var symbols: [Symbol]
    public var timeframes: [Timeframe]
    /// Candle history kept and backfilled, in days.
    public var historyDays: Int
}

extension ExchangeConfig {
    static let simulatorAPIKey = "keel-sim-key"
    static let simulatorSecret = "keel-sim-secret"

    init(reading reader: ConfigReader, mode: TradingMode) throws {
        venue = try reader.choice("exchange.venue", default: VenueKind.simulator)
        let defaultHost = venue == .simulator ? "127.0.0.1:9800" : "api.bybit.com"
        restURL = try reader.string("exchange.rest_url", default: venue == .simulator ? "http://\(defaultHost)" : "https://\(defaultHost)")
        let streamRoot = venue == .simulator ? "ws://127.0.0.1:9800" : "wss://stream.bybit.com"
        publicWebSocketURL = try reader.string("exchange.public_ws_url", default: streamRoot + "/v5/public/linear")
        privateWebSocketURL = try reader.string("exchange.private_ws_url", default: streamRoot + "/v5/private")
        recvWindowMs = try reader.int("exchange.recv_window_ms", default: 5000, in: 1...60_000)
        let key = try reader.optionalString("exchange.api_key")
        let secret = try reader.secret("exchange.api_secret")
        switch venue {
        case .simulator:
            guard mode == .paper else {
                throw ConfigError(field: "exchange.venue", reason: "live mode trades on bybit, not on the simulator")
            }
            apiKey = key ?? Self.simulatorAPIKey
            apiSecret = secret ?? Secret(Self.simulatorSecret)
        case .bybit:
            guard let key, !key.isEmpty else {
                throw ConfigError(field: "exchange.api_key", reason: "required for bybit (set KEEL_EXCHANGE_API_KEY)")
            }
            guard let secret else {
                throw ConfigError(field: "exchange.api_secret", reason: "required for bybit (set exchange.api_secret_file or KEEL_EXCHANGE_API_SECRET)")
            }
            apiKey = key
            apiSecret = secret
        }
        for (field, url, schemes) in [
            ("exchange.rest_url", restURL, ["http://", "https://"]),
            ("exchange.public_ws_url", publicWebSocketURL, ["ws://", "wss://"]),
            ("exchange.private_ws_url", privateWebSocketURL, ["ws://", "wss://"]),
        ] where !schemes.contains(where: url.hasPrefix) {
            throw ConfigError(field: field, reason: "must start with \(schemes.joined(separator: " or ")), got \"\(url)\"")
        }
    }
}

extension MarketsConfig {
    init(reading reader: ConfigReader) throws {
        symbols = try reader.list("markets.symbols", default: ["BTCUSDT"]).map { text in
            do {
                return try Symbol(text)
            } catch {
                throw ConfigError(field: "markets.symbols", reason: "\(error)")
            }
        }
        timeframes = try reader.list("markets.timeframes", default: ["1m", "15m"]).map { label in
            guard let timeframe = Timeframe(label: label) else {
                throw ConfigError(field: "markets.timeframes", reason: "\"\(label)\" is not one of \(Timeframe.allCases.map(\.label))")
            }
            return timeframe
        }
        guard !symbols.isEmpty else { throw ConfigError(field: "markets.symbols", reason: "at least one symbol is needed") }
        guard !timeframes.isEmpty else { throw ConfigError(field: "markets.timeframes", reason: "at least one timeframe is needed") }
        historyDays = try reader.int("markets.history_days", default: 7, in: 1...3650)
    }
}
