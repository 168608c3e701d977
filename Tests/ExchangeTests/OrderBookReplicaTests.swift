import Core
import Exchange
import Testing

@Suite("Order book replica")
struct OrderBookReplicaTests {
    let btc = try! Symbol("BTCUSDT")

    func level(_ price: String, _ size: String) -> BybitBookLevel {
        BybitBookLevel(price: try! Price(parsing: price), size: try! Quantity(parsing: size))
    }

    func update(_ kind: BybitBookUpdate.Kind, _ u: Int64, bids: [BybitBookLevel] = [], asks: [BybitBookLevel] = []) -> BybitBookUpdate {
        BybitBookUpdate(kind: kind, symbol: btc, bids: bids, asks: asks, updateID: u, sequence: u * 10, time: nil)
    }

    var seeded: BybitOrderBookReplica {
        BybitOrderBookReplica(snapshot: update(.snapshot, 10, bids: [level("99", "1"), level("100", "2")], asks: [level("101", "3")]))
    }

    @Test func aSnapshotIsSortedBestFirst() {
        #expect(seeded.bids == [level("100", "2"), level("99", "1")])
        #expect(seeded.asks == [level("101", "3")])
        #expect(seeded.updateID == 10)
    }

    @Test func aDeltaInsertsUpdatesAndDeletes() throws {
        var book = seeded
        try book.apply(update(.delta, 11, bids: [level("100", "0"), level("98", "4")], asks: [level("101", "5"), level("102", "1")]))
        #expect(book.bids == [level("99", "1"), level("98", "4")])
        #expect(book.asks == [level("101", "5"), level("102", "1")])
        #expect(book.updateID == 11 && book.sequence == 110)
        // An empty delta only moves u on.
        try book.apply(update(.delta, 12))
        #expect(book.updateID == 12)
    }

    @Test func aSkippedUpdateIDIsAGapAndLeavesTheBookUnchanged() {
        var book = seeded
        #expect(throws: OrderBookReplicaError.gap(expected: 11, received: 12)) {
            try book.apply(update(.delta, 12, bids: [level("97", "1")]))
        }
        #expect(book == seeded)
    }

    @Test func deletingAnUnknownLevelIsAnError() {
        var book = seeded
        #expect(throws: OrderBookReplicaError.unknownLevelDeleted(side: .sell, price: try! Price(parsing: "105"))) {
            try book.apply(update(.delta, 11, bids: [level("99", "7")], asks: [level("105", "0")]))
        }
        #expect(book == seeded)
    }

    @Test func updateIDOneAndSnapshotsReplaceTheBook() throws {
        var book = seeded
        try book.apply(update(.delta, 1, bids: [level("50", "1")]))
        #expect(book.bids == [level("50", "1")] && book.asks.isEmpty && book.updateID == 1)
        try book.apply(update(.snapshot, 500, asks: [level("60", "2")]))
        #expect(book.bids.isEmpty && book.asks == [level("60", "2")] && book.updateID == 500)
    }

    @Test func anotherSymbolsUpdateIsRefused() throws {
        var book = seeded
        let eth = try Symbol("ETHUSDT")
        #expect(throws: OrderBookReplicaError.wrongSymbol(expected: btc, received: eth)) {
            try book.apply(BybitBookUpdate(kind: .delta, symbol: eth, bids: [], asks: [], updateID: 11, sequence: 0, time: nil))
        }
    }
}
