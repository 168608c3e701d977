import Core

/// Why an order-book update could not be applied; each means the replica must be resynced.
public enum OrderBookReplicaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A delta whose `u` is not the previous `u` + 1.
    case gap(expected: Int64, received: Int64)
    /// A delta deleting a price the book does not hold.
    case unknownLevelDeleted(side: Side, price: Price)
    /// An update for another symbol.
    case wrongSymbol(expected: Symbol, received: Symbol)

    public var description: String {
        switch self {
        case .gap(let expected, let received): return "order book gap: expected u \(expected), received \(received)"
        case .unknownLevelDeleted(let side, let price): return "order book delta deletes unknown \(side) level \(price)"
        case .wrongSymbol(let expected, let received): return "order book update for \(received) applied to \(expected)"
        }
    }
}

/// A local copy of one Bybit order book, kept from a snapshot and consecutive deltas.
///
/// A snapshot (or any update with `u == 1`, Bybit's restart signal) replaces the book; a delta
/// must carry the previous `u` + 1 and inserts, updates or (size 0) deletes levels.
public struct BybitOrderBookReplica: Sendable, Hashable {
    public let symbol: Symbol
    public private(set) var updateID: Int64
    public private(set) var sequence: Int64
    private var bidSizes: [Price: Quantity] = [:]
    private var askSizes: [Price: Quantity] = [:]

    public init(snapshot: BybitBookUpdate) {
        symbol = snapshot.symbol
        updateID = snapshot.updateID
        sequence = snapshot.sequence
        replace(with: snapshot)
    }

    /// Bids, best (highest) first.
    public var bids: [BybitBookLevel] { bidSizes.map { BybitBookLevel(price: $0.key, size: $0.value) }.sorted { $0.price > $1.price } }
    /// Asks, best (lowest) first.
    public var asks: [BybitBookLevel] { askSizes.map { BybitBookLevel(price: $0.key, size: $0.value) }.sorted { $0.price < $1.price } }

    /// Applies `update`. On a thrown error the replica is unchanged and must be resynced.
    public mutating func apply(_ update: BybitBookUpdate) throws(OrderBookReplicaError) {
        guard update.symbol == symbol else { throw .wrongSymbol(expected: symbol, received: update.symbol) }
        if update.kind == .snapshot || update.updateID == 1 {
            replace(with: update)
        } else {
            guard update.updateID == updateID + 1 else { throw .gap(expected: updateID + 1, received: update.updateID) }
            var bids = bidSizes
            var asks = askSizes
            try Self.change(&bids, side: .buy, with: update.bids)
            try Self.change(&asks, side: .sell, with: update.asks)
            bidSizes = bids
            askSizes = asks
        }
        updateID = update.updateID
        sequence = update.sequence
    }

    private mutating func replace(with snapshot: BybitBookUpdate) {
        bidSizes = Dictionary(snapshot.bids.map { ($0.price, $0.size) }, uniquingKeysWith: { $1 })
        askSizes = Dictionary(snapshot.asks.map { ($0.price, $0.size) }, uniquingKeysWith: { $1 })
    }

    private static func change(_ sizes: inout [Price: Quantity], side: Side, with levels: [BybitBookLevel]) throws(OrderBookReplicaError) {
        for level in levels {
            if level.size.isZero {
                guard sizes.removeValue(forKey: level.price) != nil else { throw .unknownLevelDeleted(side: side, price: level.price) }
            } else {
                sizes[level.price] = level.size
            }
        }
    }
}
