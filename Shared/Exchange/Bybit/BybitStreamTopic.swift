import Core

/// A Bybit V5 public linear topic.
public enum BybitPublicTopic: Sendable, Hashable, CustomStringConvertible {
    /// `orderbook.{depth}.{symbol}`, depth 1, 50, 200 or 1000.
    case orderBook(depth: Int, symbol: Symbol)
    case trades(Symbol)
    case kline(Timeframe, Symbol)
    case ticker(Symbol)

    /// The topic string sent in `args`.
    public var name: String {
        switch self {
        case .orderBook(let depth, let symbol): return "orderbook.\(depth).\(symbol.rawValue)"
        case .trades(let symbol): return "publicTrade.\(symbol.rawValue)"
        case .kline(let timeframe, let symbol): return "kline.\(timeframe.bybitInterval).\(symbol.rawValue)"
        case .ticker(let symbol): return "tickers.\(symbol.rawValue)"
        }
    }

    public var description: String { name }

    /// The symbol a topic string ends with (`kline.1.BTCUSDT` → BTCUSDT).
    static func symbol(of topic: String) throws -> Symbol {
        let text = topic.split(separator: ".").last.map(String.init) ?? topic
        do {
            return try Symbol(text)
        } catch {
            throw BybitDecodingError(.invalidValue("topic \(topic) does not end with a symbol"), field: "topic")
        }
    }
}

/// The private topics Keel subscribes to.
public enum BybitPrivateTopic: String, Sendable, Hashable, CaseIterable {
    case order, execution, position, wallet
}

/// The metric dimensions of a Bybit stream's connection.
func bybitStreamDimensions(_ stream: String) -> [(String, String)] {
    [("venue", "bybit"), ("stream", stream)]
}
