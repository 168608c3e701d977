import Config
import Core
import Logging

/// The Bybit clients a service needs, built from its `exchange` configuration: one REST
/// client (with its rate budget), and public and private streams on the configured URLs. The
/// simulator speaks the same protocol, so paper and live differ only in configuration.
public struct BybitVenue: Sendable {
    public let credentials: BybitCredentials
    public let rest: BybitRESTClient
    public let exchange: ExchangeConfig

    public init(_ exchange: ExchangeConfig, alert: @escaping @Sendable (ExchangeAlert) -> Void = ExchangeAlert.log) {
        self.exchange = exchange
        credentials = BybitCredentials(apiKey: exchange.apiKey, secret: exchange.apiSecret)
        rest = BybitRESTClient(configuration: .init(
            baseURL: exchange.restURL, credentials: credentials, recvWindow: Int64(exchange.recvWindowMs), alert: alert))
    }

    /// - Parameter onReconnect: told of every reconnect, see `ReconnectingWebSocketConfiguration`.
    public func publicStream(logger: Logger, onReconnect: @escaping @Sendable () -> Void = {}) -> BybitPublicStream {
        BybitPublicStream(configuration: .init(url: exchange.publicWebSocketURL, onReconnect: onReconnect), logger: logger)
    }

    public func privateStream(logger: Logger, onReconnect: @escaping @Sendable () -> Void = {}) -> BybitPrivateStream {
        let rest = self.rest
        return BybitPrivateStream(
            configuration: .init(url: exchange.privateWebSocketURL, onReconnect: onReconnect), credentials: credentials,
            serverNow: { rest.serverNow() }, logger: logger)
    }
}
