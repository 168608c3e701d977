import Core

/// A public linear topic the simulator serves, parsed from Bybit's topic string.
enum PublicTopic: Hashable, Sendable {
    case orderBook(depth: Int, symbol: Symbol)
    case trades(Symbol)
    case kline(Timeframe, Symbol)
    case ticker(Symbol)

    static let bookDepths: Set<Int> = [1, 50, 200, 1000]

    /// Parses `orderbook.{1|50|200|1000}.{symbol}`, `publicTrade.{symbol}`,
    /// `kline.{interval}.{symbol}` or `tickers.{symbol}` for a symbol the market lists; nil otherwise.
    init?(_ text: String, market: MarketBoard) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let last = parts.last, let symbol = try? Symbol(last), market.instrument(symbol) != nil else { return nil }
        switch (parts.first, parts.count) {
        case ("orderbook", 3):
            guard let depth = Int(parts[1]), Self.bookDepths.contains(depth) else { return nil }
            self = .orderBook(depth: depth, symbol: symbol)
        case ("publicTrade", 2):
            self = .trades(symbol)
        case ("kline", 3):
            guard let timeframe = Timeframe(bybitInterval: parts[1]) else { return nil }
            self = .kline(timeframe, symbol)
        case ("tickers", 2):
            self = .ticker(symbol)
        default:
            return nil
        }
    }
}

/// A private topic: `order`, `execution`, `position`, `wallet`, or the `.linear` form of the
/// first three (all accounts are linear in the simulator). `name` is the hub's topic.
struct PrivateTopic: Hashable, Sendable {
    static let names: Set<String> = ["order", "execution", "position", "wallet"]
    /// The topic as the client wrote it; pushes use this spelling.
    let text: String
    /// The hub topic it selects (`order`, `execution`, `position`, `wallet`).
    let name: String

    init?(_ text: String) {
        let name = text.hasSuffix(".linear") ? String(text.dropLast(".linear".count)) : text
        guard Self.names.contains(name), !(name == "wallet" && name != text) else { return nil }
        self.text = text
        self.name = name
    }
}
