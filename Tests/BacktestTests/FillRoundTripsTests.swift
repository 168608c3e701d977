import Backtest
import Core
import Testing

/// Live fills put into round trips, checked against hand-computed trades.
@Suite("FillRoundTrips")
struct FillRoundTripsTests {
    static let btc = try! Symbol("BTCUSDT")
    static let eth = try! Symbol("ETHUSDT")

    static func fill(_ id: String, _ symbol: Symbol, _ side: Side, _ qty: String, at price: String, fee: String, minute: Int64) throws -> Fill {
        try Fill(
            id: id, orderID: "order-\(id)", symbol: symbol, side: side, price: Price(parsing: price), quantity: Quantity(parsing: qty),
            fee: Money(parsing: fee), feeCurrency: "USDT", isMaker: false, time: Timestamp(milliseconds: minute * 60_000))
    }

    @Test func tripsRunFromFlatToFlatWithAveragePricesAndNetPnL() throws {
        let trades = try FillRoundTrips.trades([
            // A long in two fills and out in two, while a short on ETH opens and closes inside it.
            try Self.fill("1", Self.btc, .buy, "1.000", at: "100.0", fee: "0.055", minute: 1),
            try Self.fill("2", Self.eth, .sell, "2.00", at: "10.00", fee: "0.011", minute: 2),
            try Self.fill("3", Self.btc, .buy, "0.500", at: "101.0", fee: "0.02775", minute: 2),
            try Self.fill("4", Self.eth, .buy, "2.00", at: "9.50", fee: "0.01045", minute: 3),
            try Self.fill("5", Self.btc, .sell, "1.000", at: "102.0", fee: "0.0561", minute: 4),
            try Self.fill("6", Self.btc, .sell, "0.500", at: "103.0", fee: "0.028325", minute: 5),
            // Still open: not a trade.
            try Self.fill("7", Self.btc, .sell, "0.100", at: "103.0", fee: "0.005665", minute: 6),
        ])
        #expect(trades.count == 2)
        let short = trades[0]
        #expect(short.symbol == Self.eth && short.side == .sell && short.quantity == Quantity(decimal("2")))
        #expect(short.entryTime.milliseconds == 120_000 && short.exitTime.milliseconds == 180_000)
        // 20.00 − 19.00 − 0.02145.
        #expect(short.pnl == money("0.97855"))
        let long = trades[1]
        #expect(long.side == .buy && long.quantity == Quantity(decimal("1.5")))
        // 150.5 / 1.5 and 153.5 / 1.5, four decimals finer than the fills' prices.
        #expect(long.entryPrice == Price(decimal("100.33333")) && long.exitPrice == Price(decimal("102.33333")))
        // 153.5 − 150.5 − (0.055 + 0.02775 + 0.0561 + 0.028325).
        #expect(long.fees == money("0.167175") && long.pnl == money("2.832825"))
        #expect(long.funding.isZero)
    }

    @Test func aFillThroughFlatIsRefused() throws {
        #expect(throws: RecordValidationError.self) {
            try FillRoundTrips.trades([
                try Self.fill("1", Self.btc, .buy, "1.000", at: "100.0", fee: "0", minute: 1),
                try Self.fill("2", Self.btc, .sell, "2.000", at: "100.0", fee: "0", minute: 2),
            ])
        }
    }
}
