import Exchange
import MarketData
import Runtime

// The marketdata service: the venue's public stream in, md.trades / md.candles / md.book /
// md.tickers out, candles stored in PostgreSQL. One instance per venue connection: every
// instance would publish the same stream.
await ServiceRuntime.main(service: "marketdata") { dependencies, logger in
    let config = dependencies.config
    let venue = BybitVenue(config.exchange)
    let feed = MarketFeed(
        settings: .init(symbols: config.markets.symbols, timeframes: config.markets.timeframes, historyDays: config.markets.historyDays),
        store: CandleStore(pool: dependencies.postgres), source: venue.rest, watermarks: CandleWatermarks(pool: dependencies.postgres),
        producer: dependencies.producer, streamProducer: try dependencies.streamProducer(), venue: config.exchange.venue == .simulator ? .simulator : .bybit,
        venueNow: { venue.rest.serverNow() }, logger: logger)
    let stream = venue.publicStream(logger: logger, onReconnect: dependencies.reconnectStormAlerts(stream: "public").reconnected)
    return [
        TaskService.retrying("start the candle feed", logger: logger) {
            _ = try await venue.rest.synchronizeTime()
            try await feed.start()
        } then: {
            await feed.follow(stream)
        },
        TaskService.every(.seconds(5)) {
            try await feed.repairOverdue()
        } onFailure: { error in
            logger.warning("candle gap repair failed; retrying", metadata: ["error": "\(error)"])
        },
    ]
}
