import Bus
import Core
import Exchange
import Schemas

/// What marketdata publishes, keyed by symbol: `md.trades.v1`, `md.candles.v1`, `md.book.v1`
/// (top of book) and `md.tickers.v1`.
enum MarketDataMessages {
    static func trade(_ trade: Trade, venue: Keel_V1_Venue, receivedAt: Timestamp) throws -> OutgoingMessage {
        var message = Keel_V1_Trade()
        message.tradeID = trade.id
        message.symbol = trade.symbol.rawValue
        message.venue = venue
        message.price = Keel_V1_Decimal(trade.price)
        message.qty = Keel_V1_Decimal(trade.quantity)
        message.takerSide = Keel_V1_Side(trade.takerSide)
        message.timeMs = trade.time.milliseconds
        message.receivedMs = receivedAt.milliseconds
        return OutgoingMessage(topic: Topic.mdTrades.rawValue, key: trade.symbol.rawValue, value: try message.serializedBytes())
    }

    static func candle(_ candle: Candle, venue: Keel_V1_Venue, backfilled: Bool, receivedAt: Timestamp) throws -> OutgoingMessage {
        let message = Keel_V1_Candle(candle, venue: venue, backfilled: backfilled, receivedAt: receivedAt)
        return OutgoingMessage(topic: Topic.mdCandles.rawValue, key: candle.symbol.rawValue, value: try message.serializedBytes())
    }

    /// The top of `book`; nil while a side is empty. Imbalance is (bid − ask) / (bid + ask)
    /// of the top sizes, to 6 places.
    static func topOfBook(_ book: BybitOrderBookReplica, venue: Keel_V1_Venue, receivedAt: Timestamp) throws -> OutgoingMessage? {
        guard let bid = book.bids.first, let ask = book.asks.first else { return nil }
        var message = Keel_V1_BookSnapshot()
        message.symbol = book.symbol.rawValue
        message.venue = venue
        message.bids = [level(bid)]
        message.asks = [level(ask)]
        message.depth = 1
        message.updateID = UInt64(max(0, book.updateID))
        message.sequence = UInt64(max(0, book.sequence))
        let total = try bid.size.value + ask.size.value
        if total.isPositive {
            message.imbalance = Keel_V1_Decimal(
                try (bid.size.value - ask.size.value).divided(by: total, scale: 6, rounding: .nearest))
        }
        message.timeMs = receivedAt.milliseconds
        message.receivedMs = receivedAt.milliseconds
        return OutgoingMessage(topic: Topic.mdBook.rawValue, key: book.symbol.rawValue, value: try message.serializedBytes())
    }

    static func ticker(_ ticker: BybitTicker, venue: Keel_V1_Venue, receivedAt: Timestamp) throws -> OutgoingMessage {
        var message = Keel_V1_Ticker()
        message.symbol = ticker.symbol.rawValue
        message.venue = venue
        message.lastPrice = Keel_V1_Decimal(ticker.lastPrice)
        message.markPrice = Keel_V1_Decimal(ticker.markPrice)
        message.indexPrice = Keel_V1_Decimal(ticker.indexPrice)
        if let bid = ticker.bid1Price { message.bestBid = Keel_V1_Decimal(bid) }
        if let ask = ticker.ask1Price { message.bestAsk = Keel_V1_Decimal(ask) }
        message.fundingRate = Keel_V1_Decimal(ticker.fundingRate)
        if let interest = ticker.openInterest { message.openInterest = Keel_V1_Decimal(interest) }
        message.volume24H = Keel_V1_Decimal(ticker.volume24h)
        message.turnover24H = Keel_V1_Decimal(ticker.turnover24h)
        message.nextFundingTimeMs = ticker.nextFundingTime.milliseconds
        message.timeMs = receivedAt.milliseconds
        message.receivedMs = receivedAt.milliseconds
        return OutgoingMessage(topic: Topic.mdTickers.rawValue, key: ticker.symbol.rawValue, value: try message.serializedBytes())
    }

    private static func level(_ level: BybitBookLevel) -> Keel_V1_BookLevel {
        var message = Keel_V1_BookLevel()
        message.price = Keel_V1_Decimal(level.price)
        message.qty = Keel_V1_Decimal(level.size)
        return message
    }
}
