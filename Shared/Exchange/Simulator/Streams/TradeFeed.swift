import Core

/// `publicTrade.{symbol}`: the market's trades since the last push, oldest first, at most
/// 1,024 a message as at Bybit. Nothing is sent on subscribe.
struct TradeFeed: TopicFeed {
    static let maxTradesPerMessage = 1024

    let symbol: Symbol
    private var through: Timestamp?
    private var lastPrice: Int64?
    private var lastDirection = "ZeroPlusTick"

    init(symbol: Symbol) { self.symbol = symbol }

    mutating func initial(_ simulator: BybitSimulator, now: Timestamp) -> [SimJSON] {
        through = now
        return []
    }

    mutating func updates(_ simulator: BybitSimulator, now: Timestamp) -> [SimJSON] {
        guard let after = through, let instrument = simulator.market.instrument(symbol) else { return initial(simulator, now: now) }
        through = now
        let trades = simulator.market.trades(symbol, after: after, through: now)
        var items: [SimJSON] = []
        for trade in trades {
            if let lastPrice, trade.priceTicks != lastPrice {
                lastDirection = trade.priceTicks > lastPrice ? "PlusTick" : "MinusTick"
            } else if lastDirection.hasPrefix("Plus") || lastDirection.hasPrefix("Minus") {
                lastDirection = lastDirection.hasPrefix("Plus") ? "ZeroPlusTick" : "ZeroMinusTick"
            }
            lastPrice = trade.priceTicks
            items.append(.object([
                ("T", .int(trade.time.milliseconds)), ("s", .string(symbol.rawValue)),
                ("S", .string(trade.takerSide == .buy ? "Buy" : "Sell")),
                ("v", .string(instrument.quantity(units: trade.sizeUnits))),
                ("p", .string(instrument.price(ticks: trade.priceTicks))),
                ("L", .string(lastDirection)), ("i", .string(trade.id)),
                ("BT", .bool(false)), ("RPI", .bool(false)), ("seq", .int(trade.time.milliseconds)),
            ]))
        }
        return stride(from: 0, to: items.count, by: Self.maxTradesPerMessage).map { start in
            let chunk = Array(items[start..<min(start + Self.maxTradesPerMessage, items.count)])
            return publicPush(topic: "publicTrade.\(symbol.rawValue)", type: "snapshot", time: now, data: .array(chunk))
        }
    }
}
