import Core
import Exchange

/// Where the backfill gets candles: Bybit's REST kline endpoint (or the simulator speaking it).
/// Returns the candles with open times in `start ... end`, oldest first, at most `limit`.
public protocol KlineSource: Sendable {
    func klines(
        symbol: Symbol, timeframe: Timeframe, start: Timestamp?, end: Timestamp?, limit: Int?
    ) async throws -> [Candle]
}

extension BybitRESTClient: KlineSource {}
